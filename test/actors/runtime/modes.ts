// Runs each behavioural test in both placements: inline (workers: 0) and a
// pool of two workers, with the same actor code and a manual clock.
import test, { type ExecutionContext } from 'ava';
import { rmSync } from 'node:fs';
import { ActorSystem, ManualClock, type KindOptions, type Logger } from '../../../actors/runtime/index.js';
import { durablePath } from './fixtures/test-actor.js';

export interface Mode {
  name: 'inline' | 'pool';
  workers: number;
}

export const modes: Mode[] = [
  { name: 'inline', workers: 0 },
  { name: 'pool', workers: 2 },
];

export const testActorModule = new URL('./fixtures/test-actor.js', import.meta.url);

export interface LogRecord {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export interface Harness {
  system: ActorSystem;
  clock: ManualClock;
  logs: LogRecord[];
  /** a key unique to this test run; its durable file is removed after the test */
  key(prefix?: string): string;
}

let keySeq = 0;

export async function startHarness(t: ExecutionContext, mode: Mode, kind: Partial<KindOptions> = {}): Promise<Harness> {
  const clock = new ManualClock(0);
  const logs: LogRecord[] = [];
  const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logs.push({ level, msg, fields });
  const logger: Logger = { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
  const system = await ActorSystem.start({ workers: mode.workers, clock, logger, askTimeoutMs: 10_000 });
  system.register('test', { module: testActorModule, exportName: 'TestActor', placement: 'pool', ...kind });
  const keys: string[] = [];
  t.teardown(async () => {
    await system.stop();
    for (const k of keys) rmSync(durablePath(k), { force: true });
  });
  return {
    system,
    clock,
    logs,
    key(prefix = 'k') {
      const k = `${prefix}-${mode.name}-${++keySeq}-${Math.random().toString(36).slice(2, 8)}`;
      keys.push(k);
      return k;
    },
  };
}

export function eachMode(title: string, impl: (t: ExecutionContext, mode: Mode) => Promise<void>): void {
  for (const mode of modes) test.serial(`${title} [${mode.name}]`, (t) => impl(t, mode));
}

/** One turn of the event loop (not a timed wait). */
export function turn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
