/**
 * samsa/testing: a throwaway broker for test suites. Ephemeral port, fresh
 * temporary data directory removed on stop, silent logs.
 *
 * `workers` defaults to the SAMSA_TEST_WORKERS environment variable (else 0),
 * so a whole suite can be run once inline and once on the worker pool without
 * touching its code.
 *
 *   const broker = await startTestBroker();
 *   const kafka = new Kafka({ brokers: [broker.bootstrap] });
 *   ...
 *   await broker.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker, type StartBrokerOptions } from './index.js';

export interface TestBroker extends RunningBroker {
  /** Stops the broker without removing its data (to start another on the same directory). */
  stopKeepingData(): Promise<void>;
}

export async function startTestBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'samsa-test-'));
  const owned = options.dataDir === undefined;
  const broker = await startBroker({ logger: 'silent', port: 0, workers: workersFromEnv(), ...options, dataDir }).catch((err) => {
    if (owned) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...broker,
    async stop() {
      await broker.stop();
      if (owned) rmSync(dataDir, { recursive: true, force: true });
    },
    stopKeepingData: () => broker.stop(),
  };
}

function workersFromEnv(): number {
  const raw = process.env.SAMSA_TEST_WORKERS;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`SAMSA_TEST_WORKERS must be a non-negative integer, got ${raw}`);
  return n;
}
