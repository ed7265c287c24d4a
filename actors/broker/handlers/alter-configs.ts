import { code, type ErrorName } from '../errors.js';
import { defineHandler } from '../handler.js';
import { alterResource } from './alter-resource.js';

/** v0-2: replaces every dynamic config of the resource. */
export const alterConfigs = defineHandler({
  apiKey: 33,
  advertised: { min: 0, max: 2 },
  accepts: { min: 0, max: 2 },
  async handle(ctx, req) {
    const responses = [];
    for (const res of req.resources) {
      const change = { replace: new Map(res.configs.map((c) => [c.name, c.value])) };
      const r = await alterResource(ctx.broker, res.resourceType, res.resourceName, change, req.validateOnly);
      responses.push({ resourceType: res.resourceType, resourceName: res.resourceName, errorCode: r.ok ? 0 : code(r.error as ErrorName), errorMessage: r.ok ? null : r.message });
    }
    return { throttleTimeMs: 0, responses };
  },
  errorResponse: (req, errorCode, message) => ({
    responses: req.resources.map((r) => ({ errorCode, errorMessage: message, resourceType: r.resourceType, resourceName: r.resourceName })),
  }),
});
