// Runs every tinybench suite (dist/bench/**/*.bench.js, each default-exporting a
// Suite), writes bench/results/latest.json, and with --check compares each
// case's ratio with bench/baseline.json: a ratio more than 10% below its
// baseline is a regression and the exit code is 1 (cases marked gate: false are
// reported only). A suite with a flagged case is measured up to RECHECKS more
// times and each case keeps its best ratio: a regression must reproduce, a
// passing disturbance of the machine (a cold page cache, a busy core) must not
// fail the check. --update-baseline rewrites
// the baseline from this run. --quick shortens every case; --filter=TEXT keeps
// suites whose name contains TEXT.
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus, totalmem } from 'node:os';
import type { CaseResult, Suite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const projectRoot = join(here, '..', '..');
const resultsDir = join(projectRoot, 'bench', 'results');
const baselinePath = join(projectRoot, 'bench', 'baseline.json');
const TOLERANCE = 0.1;
const RECHECKS = 2;

function findSuites(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findSuites(p));
    else if (name.endsWith('.bench.js')) out.push(p);
  }
  return out.sort();
}

interface ResultsFile {
  machine: { cpus: string; cores: number; memGiB: number; node: string };
  date: string;
  cases: CaseResult[];
}

function key(c: CaseResult): string {
  return `${c.suite}/${c.name}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const update = args.includes('--update-baseline');
  const quick = args.includes('--quick');
  const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);

  const cases: CaseResult[] = [];
  const suites: Suite[] = [];
  for (const file of findSuites(here)) {
    const mod = (await import(pathToFileURL(file).href)) as { default: Suite };
    const suite = mod.default;
    if (!suite || typeof suite.run !== 'function') throw new Error(`${relative(here, file)} does not default-export a Suite`);
    if (filter && !suite.name.includes(filter)) continue;
    suites.push(suite);
    cases.push(...(await runSuite(suite, quick)));
  }

  const out: ResultsFile = {
    machine: { cpus: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    date: new Date().toISOString(),
    cases,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(out, null, 2) + '\n');
  if (update) {
    writeFileSync(baselinePath, JSON.stringify(out, null, 2) + '\n');
    process.stdout.write(`baseline written: ${relative(projectRoot, baselinePath)}\n`);
  }
  if (!check) return;
  if (!existsSync(baselinePath)) {
    process.stdout.write('no baseline yet (npm run bench -- --update-baseline)\n');
    return;
  }
  const base = JSON.parse(readFileSync(baselinePath, 'utf8')) as ResultsFile;
  const baseByKey = new Map(base.cases.map((c) => [key(c), c]));
  const below = (c: CaseResult): boolean => {
    const b = baseByKey.get(key(c));
    if (!b || b.ratio === undefined || c.ratio === undefined || c.gated === false) return false;
    return c.ratio < b.ratio * (1 - TOLERANCE);
  };
  const best = new Map(cases.map((c) => [key(c), c]));
  for (let attempt = 1; attempt <= RECHECKS; attempt++) {
    const flagged = new Set([...best.values()].filter(below).map((c) => c.suite));
    if (flagged.size === 0) break;
    for (const suite of suites.filter((x) => flagged.has(x.name))) {
      process.stdout.write(`(re-measuring ${suite.name}, attempt ${attempt + 1} of ${RECHECKS + 1})\n`);
      for (const c of await runSuite(suite, quick)) {
        const prev = best.get(key(c));
        if (prev?.ratio !== undefined && c.ratio !== undefined && c.ratio > prev.ratio) best.set(key(c), c);
      }
    }
  }
  let regressions = 0;
  for (const c of best.values()) {
    if (!below(c)) continue;
    regressions++;
    process.stdout.write(`REGRESSION ${key(c)}: best ratio ${c.ratio!.toFixed(3)} < baseline ${baseByKey.get(key(c))!.ratio!.toFixed(3)} - 10%\n`);
  }
  process.stdout.write(regressions ? `${regressions} regression(s)\n` : 'no regressions beyond 10%\n');
  if (regressions) process.exitCode = 1;
}

async function runSuite(suite: Suite, quick: boolean): Promise<CaseResult[]> {
  process.stdout.write(`# ${suite.name}\n`);
  const res = await suite.run({ quick });
  for (const c of res) {
    const parts = [`${c.hz.toFixed(0)} ops/s`];
    if (c.mbPerSec !== undefined) parts.push(`${c.mbPerSec.toFixed(1)} MB/s`);
    if (c.itemsPerSec !== undefined) parts.push(`${(c.itemsPerSec / 1e6).toFixed(3)} M items/s`);
    if (c.ratio !== undefined) parts.push(`ratio ${c.ratio.toFixed(3)} vs ${c.ratioTo}${c.gated === false ? ' (not gated)' : ''}`);
    process.stdout.write(`  ${c.name.padEnd(48)} ${parts.join('  ')}\n`);
  }
  return res;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
