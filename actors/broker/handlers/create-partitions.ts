import { code, type ErrorName } from '../errors.js';
import { defineHandler } from '../handler.js';

/** v0-3 (v2+ flexible). */
export const createPartitions = defineHandler({
  apiKey: 37,
  advertised: { min: 0, max: 3 },
  accepts: { min: 0, max: 3 },
  async handle(ctx, req) {
    if (!ctx.broker.controller.isController()) {
      return { throttleTimeMs: 0, results: req.topics.map((t) => ({ name: t.name, errorCode: code('NOT_CONTROLLER'), errorMessage: 'This is not the correct controller for this cluster.' })) };
    }
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results = [];
    for (const t of req.topics) {
      if (seen.get(t.name)! > 1) {
        results.push({ name: t.name, errorCode: code('INVALID_REQUEST'), errorMessage: 'Duplicate topic in request.' });
        continue;
      }
      const r = await ctx.broker.controller.createPartitions(t.name, t.count, t.assignments?.map((a) => a.brokerIds) ?? null, req.validateOnly);
      results.push(r.ok ? { name: t.name, errorCode: 0, errorMessage: null } : { name: t.name, errorCode: code(r.error as ErrorName), errorMessage: r.message });
    }
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (req, errorCode, message) => ({ results: req.topics.map((t) => ({ name: t.name, errorCode, errorMessage: message })) }),
});
