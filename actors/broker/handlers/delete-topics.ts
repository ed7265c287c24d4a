import { ZERO_UUID, type TopicName, type Uuid } from '../../../protocol/index.js';
import { code, type ErrorName } from '../errors.js';
import { defineHandler } from '../handler.js';

/** v0-6; v6 names topics by name or id. */
export const deleteTopics = defineHandler({
  apiKey: 20,
  advertised: { min: 0, max: 6 },
  accepts: { min: 0, max: 6 },
  async handle(ctx, req) {
    if (!ctx.broker.controller.isController()) {
      const notController = { errorCode: code('NOT_CONTROLLER'), errorMessage: 'This is not the correct controller for this cluster.' };
      return { throttleTimeMs: 0, responses: [...req.topicNames.map((name) => ({ name, topicId: ZERO_UUID, ...notController })), ...req.topics.map((t) => ({ name: t.name, topicId: t.topicId, ...notController }))] };
    }
    const wanted = ctx.header.apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, id: t.topicId })) : req.topicNames.map((name) => ({ name: name as TopicName | null, id: ZERO_UUID }));
    const responses = [];
    for (const w of wanted) {
      const result = await ctx.broker.controller.deleteTopic({ name: w.name, id: w.id === ZERO_UUID ? null : w.id });
      if (result.ok) responses.push({ name: result.topic.name as TopicName, topicId: result.topic.id as Uuid, errorCode: 0, errorMessage: null });
      else responses.push({ name: w.name, topicId: w.id, errorCode: code(result.error as ErrorName), errorMessage: result.message });
    }
    return { throttleTimeMs: 0, responses };
  },
  errorResponse: (req, errorCode, message) => ({
    responses: [...req.topicNames.map((name) => ({ name, errorCode, errorMessage: message })), ...req.topics.map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: message }))],
  }),
});
