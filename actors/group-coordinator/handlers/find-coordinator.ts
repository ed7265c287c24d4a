import { ErrorCode, type BrokerId } from '../../../protocol/index.js';
import { defineHandler } from '../../broker/handler.js';
import { coordinatorOf, NONE, NOT_ATTACHED, UNAVAILABLE } from './common.js';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

/**
 * v0-6 (v4+ batch keys). This single broker coordinates every group; finding
 * a group's coordinator also loads its `__consumer_offsets` partition (and
 * creates the topic on first use). Transactions are not served: their
 * coordinator is reported unavailable.
 */
export const findCoordinator = defineHandler({
  apiKey: 10,
  advertised: { min: 0, max: 6 },
  accepts: { min: 0, max: 6 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    const batched = ctx.header.apiVersion >= 4;
    const keys = batched ? req.coordinatorKeys : [req.key];
    const { host, port } = ctx.broker.advertised;
    const answers = await Promise.all(
      keys.map(async (key) => {
        const fail = (errorCode: number, errorMessage: string) => ({ key, nodeId: -1 as BrokerId, host: '', port: -1, errorCode, errorMessage });
        if (req.keyType === KEY_TYPE_TRANSACTION) return fail(UNAVAILABLE, 'transactions are not served by this broker');
        if (req.keyType !== KEY_TYPE_GROUP) return fail(ErrorCode.INVALID_REQUEST, `unknown coordinator key type ${req.keyType}`);
        if (client === null) return fail(UNAVAILABLE, NOT_ATTACHED);
        if (!(await client.load(client.partitionFor(key)))) return fail(UNAVAILABLE, 'the group coordinator is loading or its partition is unavailable');
        return { key, nodeId: ctx.broker.brokerId as BrokerId, host, port, errorCode: NONE, errorMessage: null };
      }),
    );
    if (batched) return { throttleTimeMs: 0, coordinators: answers };
    const a = answers[0]!;
    return { throttleTimeMs: 0, errorCode: a.errorCode, errorMessage: a.errorMessage, nodeId: a.nodeId, host: a.host, port: a.port };
  },
  errorResponse: (req, errorCode, message) => ({
    errorCode,
    errorMessage: message,
    nodeId: -1 as BrokerId,
    host: '',
    port: -1,
    coordinators: req.coordinatorKeys.map((key) => ({ key, nodeId: -1 as BrokerId, host: '', port: -1, errorCode, errorMessage: message })),
  }),
});
