// Shared shape of every tinybench suite in bench/. A suite measures its cases and,
// where a case has a reference measured in the same run (a plain Node equivalent,
// a raw socket server), reports the ratio: absolute figures drift on a noisy
// 2-core machine, ratios taken in one run do not.
import { Bench } from 'tinybench';

export interface CaseResult {
  suite: string;
  name: string;
  /** operations per second (one operation = one call of the task function) */
  hz: number;
  /** mean time of one operation, nanoseconds */
  meanNs: number;
  /** payload throughput, when the case declares bytes per operation */
  mbPerSec?: number;
  /** items per second (records, keys...), when the case declares items per operation */
  itemsPerSec?: number;
  /** name of the reference case this one is compared to */
  ratioTo?: string;
  /** this case's throughput divided by the reference's (higher is better) */
  ratio?: number;
  /** false: the ratio is reported but not checked against the baseline (see BenchTask.gate) */
  gated?: boolean;
}

export interface Suite {
  name: string;
  run(opts: RunOptions): Promise<CaseResult[]>;
}

export interface RunOptions {
  /** shorter measuring time, for smoke runs */
  quick: boolean;
}

export interface BenchTask {
  name: string;
  fn: () => unknown | Promise<unknown>;
  /** bytes moved by one call of fn, to report MB/s */
  bytes?: number;
  /** items (records, keys) handled by one call of fn */
  items?: number;
  /** name of another task in the same group to report a ratio against */
  ref?: string;
  /**
   * false for a ratio too noisy to gate on (it swings more than 10% between
   * back-to-back runs on an idle machine: thread hops, loopback servers,
   * memory-bandwidth references): reported, never a regression. Default true.
   */
  gate?: boolean;
  beforeAll?: () => unknown | Promise<unknown>;
  afterAll?: () => unknown | Promise<unknown>;
}

/**
 * Runs a group of tasks in one tinybench instance and derives rates and ratios.
 * Tasks that reference each other should be in the same group so they share
 * the machine's conditions.
 */
export async function measure(suite: string, tasks: BenchTask[], opts: RunOptions): Promise<CaseResult[]> {
  const bench = new Bench({ time: opts.quick ? 100 : 700, warmupTime: opts.quick ? 20 : 150 });
  for (const t of tasks) {
    bench.add(t.name, t.fn, {
      beforeAll: t.beforeAll as (() => void) | undefined,
      afterAll: t.afterAll as (() => void) | undefined,
    });
  }
  await bench.run();
  const results: CaseResult[] = [];
  for (const t of tasks) {
    const task = bench.getTask(t.name);
    const r = task?.result;
    if (!r || !('period' in r)) {
      const err = r && 'error' in r ? r.error : undefined;
      throw new Error(`bench case ${suite}/${t.name} did not complete${err ? `: ${String(err)}` : ''}`);
    }
    const hz = 1000 / r.period;
    const res: CaseResult = { suite, name: t.name, hz, meanNs: r.period * 1e6 };
    if (t.bytes !== undefined) res.mbPerSec = (hz * t.bytes) / 1e6;
    if (t.items !== undefined) res.itemsPerSec = hz * t.items;
    results.push(res);
  }
  for (const t of tasks) {
    if (!t.ref) continue;
    const me = results.find((r) => r.name === t.name)!;
    const ref = results.find((r) => r.name === t.ref);
    if (!ref) throw new Error(`bench case ${suite}/${t.name} refers to missing case ${t.ref}`);
    me.ratioTo = t.ref;
    if (t.gate === false) me.gated = false;
    me.ratio = rate(me, t) / rate(ref, tasks.find((x) => x.name === t.ref)!);
  }
  return results;
}

function rate(r: CaseResult, t: BenchTask): number {
  if (t.bytes !== undefined) return r.mbPerSec!;
  if (t.items !== undefined) return r.itemsPerSec!;
  return r.hz;
}

export function defineSuite(name: string, run: (opts: RunOptions) => Promise<CaseResult[]>): Suite {
  return { name, run };
}
