import { ErrorCode, type BrokerId } from '../../../protocol/index.js';
import { defineHandler } from '../../broker/handler.js';
import { brokersOf } from '../../broker/topic-view.js';
import { OFFSETS_TOPIC } from '../actor-messages.js';
import { coordinatorOf, NONE, NOT_ATTACHED, UNAVAILABLE } from './common.js';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

/**
 * v0-6 (v4+ batch keys). A group's coordinator is the leader of its
 * `__consumer_offsets` partition (on a single node, this broker); finding it
 * creates the topic on first use and, here, loads the partition's coordinator. Transactions are not served: their
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
        const partition = client.partitionFor(key);
        if (!(await client.prepared())) return fail(UNAVAILABLE, `${OFFSETS_TOPIC} could not be created`);
        // The coordinator is the leader of the group's __consumer_offsets partition: this broker, or another one of the cluster.
        const topic = ctx.broker.controller.topic(OFFSETS_TOPIC);
        const leader = topic === undefined ? -1 : ctx.broker.controller.partition(topic, partition).leader;
        if (leader !== ctx.broker.brokerId) {
          const b = leader < 0 ? undefined : brokersOf(ctx.broker).find((x) => x.id === leader);
          if (b === undefined) return fail(UNAVAILABLE, `partition ${partition} of ${OFFSETS_TOPIC} has no leader now`);
          return { key, nodeId: b.id as BrokerId, host: b.host, port: b.port, errorCode: NONE, errorMessage: null };
        }
        if (!(await client.load(partition))) return fail(UNAVAILABLE, 'the group coordinator is loading or its partition is unavailable');
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
