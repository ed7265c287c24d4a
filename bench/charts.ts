// Measures produce throughput against record size and latency percentiles for
// samsa and the limit server (each server and each load in its own process) and
// draws them as SVG in bench/charts/, with the figures in bench/charts/data.json.
//   node dist/bench/charts.js [--quick] [--from-data]   (--from-data redraws without measuring)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { parseFlags } from '../cli/perf/args.js';
import type { PerfSummary } from '../cli/perf/report.js';
import { median, runPerfProcess, startServerProcess, type ServerProcess } from './limit/processes.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'charts');
const f = parseFlags(process.argv.slice(2), {
  quick: { type: 'bool', default: false, help: 'smaller runs' },
  'from-data': { type: 'bool', default: false, help: 'redraw from bench/charts/data.json' },
  rounds: { type: 'int', default: 3, min: 1, help: 'runs per point (median)' },
});

const SIZES = [10, 100, 1000, 10000];
const BATCH_BYTES = 65536;

interface Point {
  target: string;
  recordSize: number;
  recordsPerSec: number;
  mbPerSec: number;
  latencyMs: PerfSummary['latencyMs'];
}

interface ChartData {
  machine: string;
  date: string;
  batchBytes: number;
  points: Point[];
}

async function measureAll(): Promise<ChartData> {
  const servers: ServerProcess[] = [];
  try {
    servers.push(await startServerProcess('samsa', 'limit/samsa-main.js', []));
    servers.push(await startServerProcess('limit', 'limit/main.js', []));
    const points: Point[] = [];
    const bytesPerRun = f.quick ? 40e6 : 300e6;
    for (const size of SIZES) {
      const n = Math.round(bytesPerRun / size);
      const runs = new Map<string, PerfSummary[]>(servers.map((s) => [s.name, []]));
      for (let r = 0; r < f.rounds; r++) {
        for (let i = 0; i < servers.length; i++) {
          const s = servers[(i + r) % servers.length]!;
          const res = await runPerfProcess(['produce', '--bootstrap', s.bootstrap, '--topic', `chart-${size}`, '--num-records', String(n), '--warmup-records', String(Math.round(n / 10)), '--record-size', String(size), '--batch-bytes', String(BATCH_BYTES), '--acks', '1']);
          runs.get(s.name)!.push(res);
          process.stderr.write(`${s.name} ${size} B: ${res.recordsPerSec.toFixed(0)} records/s, ${res.mbPerSec.toFixed(1)} MB/s\n`);
        }
      }
      for (const [target, rs] of runs) {
        const mid = [...rs].sort((a, b) => a.recordsPerSec - b.recordsPerSec)[rs.length >> 1]!;
        points.push({ target, recordSize: size, recordsPerSec: median(rs.map((x) => x.recordsPerSec)), mbPerSec: median(rs.map((x) => x.mbPerSec)), latencyMs: mid.latencyMs });
      }
    }
    return { machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}`, date: new Date().toISOString(), batchBytes: BATCH_BYTES, points };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const COLORS: Record<string, string> = { samsa: '#1f77b4', limit: '#7f7f7f' };
const W = 640;
const H = 360;
const M = { l: 70, r: 130, t: 40, b: 50 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v || 1));
  return [1, 2, 5, 10].map((k) => k * p).find((x) => x >= v) ?? 10 * p;
}

/** Lines over a log-scaled x axis (record sizes). */
export function lineChart(title: string, yLabel: string, series: Map<string, [number, number][]>, xs: number[]): string {
  const yMax = niceMax(Math.max(...[...series.values()].flat().map((p) => p[1])));
  const x = (v: number): number => M.l + ((Math.log10(v) - Math.log10(xs[0]!)) / (Math.log10(xs[xs.length - 1]!) - Math.log10(xs[0]!))) * (W - M.l - M.r);
  const y = (v: number): number => H - M.b - (v / yMax) * (H - M.t - M.b);
  const body: string[] = [`<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="black"/>`, `<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="black"/>`];
  for (const v of xs) body.push(`<text x="${x(v)}" y="${H - M.b + 16}" text-anchor="middle">${v}</text>`);
  body.push(`<text x="${(M.l + W - M.r) / 2}" y="${H - 12}" text-anchor="middle">record size (bytes, log scale)</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    body.push(`<line x1="${M.l}" y1="${y(v)}" x2="${W - M.r}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="${M.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  body.push(`<text transform="translate(16 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  let li = 0;
  for (const [name, pts] of series) {
    const c = COLORS[name] ?? '#d62728';
    body.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b] of pts) body.push(`<circle cx="${x(a).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" fill="${c}"/>`);
    body.push(`<rect x="${W - M.r + 14}" y="${M.t + li * 20}" width="12" height="12" fill="${c}"/>`, `<text x="${W - M.r + 32}" y="${M.t + li * 20 + 10}">${esc(name)}</text>`);
    li++;
  }
  return frame(title, body);
}

/** Grouped bars: one group per category, one bar per series. */
export function barChart(title: string, yLabel: string, categories: string[], series: Map<string, number[]>): string {
  const yMax = niceMax(Math.max(...[...series.values()].flat()));
  const y = (v: number): number => H - M.b - (v / yMax) * (H - M.t - M.b);
  const groupW = (W - M.l - M.r) / categories.length;
  const barW = (groupW * 0.7) / series.size;
  const body: string[] = [`<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="black"/>`, `<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="black"/>`];
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    body.push(`<line x1="${M.l}" y1="${y(v)}" x2="${W - M.r}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="${M.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  body.push(`<text transform="translate(16 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  categories.forEach((cat, ci) => body.push(`<text x="${M.l + groupW * (ci + 0.5)}" y="${H - M.b + 16}" text-anchor="middle">${esc(cat)}</text>`));
  let si = 0;
  for (const [name, vals] of series) {
    const c = COLORS[name] ?? '#d62728';
    vals.forEach((v, ci) => {
      const x0 = M.l + groupW * ci + groupW * 0.15 + si * barW;
      body.push(`<rect x="${x0.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(H - M.b - y(v)).toFixed(1)}" fill="${c}"/>`);
    });
    body.push(`<rect x="${W - M.r + 14}" y="${M.t + si * 20}" width="12" height="12" fill="${c}"/>`, `<text x="${W - M.r + 32}" y="${M.t + si * 20 + 10}">${esc(name)}</text>`);
    si++;
  }
  return frame(title, body);
}

function fmt(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function draw(d: ChartData): void {
  const targets = [...new Set(d.points.map((p) => p.target))];
  const by = (pick: (p: Point) => number): Map<string, [number, number][]> =>
    new Map(targets.map((t) => [t, d.points.filter((p) => p.target === t).map((p): [number, number] => [p.recordSize, pick(p)])]));
  const kib = d.batchBytes / 1024;
  writeFileSync(join(outDir, 'throughput-mb.svg'), lineChart(`produce MB/s by record size (acks=1, ${kib} KiB batches)`, 'MB/s (2^20 bytes of values)', by((p) => p.mbPerSec), SIZES));
  writeFileSync(join(outDir, 'throughput-records.svg'), lineChart(`produce records/s by record size (acks=1, ${kib} KiB batches)`, 'records/s', by((p) => p.recordsPerSec), SIZES));
  const at100 = d.points.filter((p) => p.recordSize === 100);
  const cats = ['avg', 'p50', 'p95', 'p99', 'p99.9'];
  const lat = new Map(at100.map((p) => [p.target, [p.latencyMs.avg, p.latencyMs.p50, p.latencyMs.p95, p.latencyMs.p99, p.latencyMs.p999]]));
  writeFileSync(join(outDir, 'latency-100b.svg'), barChart(`send-to-ack latency per request, 100 B records, ${kib} KiB batches`, 'ms', cats, lat));
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const dataPath = join(outDir, 'data.json');
  const data = f.fromData ? (JSON.parse(readFileSync(dataPath, 'utf8')) as ChartData) : await measureAll();
  if (!f.fromData) writeFileSync(dataPath, JSON.stringify(data, null, 2) + '\n');
  draw(data);
  process.stdout.write(`charts written to ${outDir}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
