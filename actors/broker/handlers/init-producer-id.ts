import type { ProducerId } from '../../../protocol/index.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';

/**
 * v0-5. An idempotent producer (no transactional id) always gets a fresh id at
 * epoch 0, as Kafka does; ids come from the controller's persisted blocks.
 * Transactions are not served: a transactional id gets COORDINATOR_NOT_AVAILABLE.
 */
export const initProducerId = defineHandler({
  apiKey: 22,
  advertised: { min: 0, max: 5 },
  accepts: { min: 0, max: 5 },
  async handle(ctx, req) {
    if (req.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: code('COORDINATOR_NOT_AVAILABLE'), producerId: -1n as ProducerId, producerEpoch: -1 };
    }
    const id = await ctx.broker.controller.allocateProducerId();
    if (!id.ok) return { throttleTimeMs: 0, errorCode: code(id.error), producerId: -1n as ProducerId, producerEpoch: -1 };
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(id.producerId) as ProducerId, producerEpoch: 0 };
  },
  errorResponse: (_req, errorCode) => ({ errorCode, producerId: -1n as ProducerId, producerEpoch: -1 }),
});
