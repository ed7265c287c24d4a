import type { IncrementalOp } from '../../controller/controller.js';
import { code, type ErrorName } from '../errors.js';
import { defineHandler } from '../handler.js';
import { alterResource } from './alter-resource.js';

const OPS: ReadonlyArray<IncrementalOp['op']> = ['set', 'delete', 'append', 'subtract'];

/** v0-1: SET, DELETE, APPEND, SUBTRACT per config. */
export const incrementalAlterConfigs = defineHandler({
  apiKey: 44,
  advertised: { min: 0, max: 1 },
  accepts: { min: 0, max: 1 },
  async handle(ctx, req) {
    const responses = [];
    for (const res of req.resources) {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      const bad = res.configs.find((c) => OPS[c.configOperation] === undefined);
      if (bad) {
        responses.push({ ...base, errorCode: code('INVALID_REQUEST'), errorMessage: `Unknown config operation ${bad.configOperation}` });
        continue;
      }
      const ops = res.configs.map((c) => ({ name: c.name, op: OPS[c.configOperation]!, value: c.value }));
      const r = await alterResource(ctx.broker, res.resourceType, res.resourceName, { ops }, req.validateOnly);
      responses.push({ ...base, errorCode: r.ok ? 0 : code(r.error as ErrorName), errorMessage: r.ok ? null : r.message });
    }
    return { throttleTimeMs: 0, responses };
  },
  errorResponse: (req, errorCode, message) => ({
    responses: req.resources.map((r) => ({ errorCode, errorMessage: message, resourceType: r.resourceType, resourceName: r.resourceName })),
  }),
});
