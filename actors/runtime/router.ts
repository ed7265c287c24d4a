// The per-thread face actors use to reach other actors, wherever they live.
import type { ActorRef, AskManyItem, AskManyOptions, AskOutcome } from './behaviour.js';

export interface Router {
  ref<M, R = unknown>(kind: string, key: string): ActorRef<M, R>;
  askMany<R = unknown>(items: AskManyItem[], opts?: AskManyOptions): Promise<AskOutcome<R>[]>;
}
