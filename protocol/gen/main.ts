// `npm run gen`: regenerates protocol/generated/ from the specs.
// `npm run gen:check`: generates into a temp dir and fails on any difference from
// the committed output, including .ts files there that gen no longer emits
// (skips with a note when the specs are absent).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecSet, projectRootFrom, specDir } from './spec.js';
import { GENERATED_MARK } from './emit-message.js';
import { emitModule } from './emit-index.js';

/** File name -> text. One module: protocol/generated/index.ts. */
export function generate(specs: string): Map<string, string> {
  const set = loadSpecSet(specs);
  return new Map([['index.ts', emitModule(set.messages, set.records, set.errorsTsv)]]);
}

function writeAll(dir: string, files: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!files.has(name) && name.endsWith('.ts') && readFileSync(p, 'utf8').startsWith(GENERATED_MARK)) rmSync(p);
  }
  for (const [name, text] of files) {
    const p = join(dir, name);
    if (!existsSync(p) || readFileSync(p, 'utf8') !== text) writeFileSync(p, text);
  }
}

function main(): void {
  const root = projectRootFrom(import.meta.url);
  const specs = specDir(root);
  const outDir = join(root, 'protocol', 'generated');
  const check = process.argv.includes('--check');
  if (!existsSync(join(specs, 'messages'))) {
    const note = `kafka specs not found at ${specs} (set SAMSA_KAFKA_SPECS)`;
    if (check) {
      process.stdout.write(`gen:check skipped: ${note}\n`);
      return;
    }
    throw new Error(note);
  }
  const files = generate(specs);
  if (!check) {
    writeAll(outDir, files);
    process.stdout.write(`generated protocol/generated/${[...files.keys()].join(', ')}\n`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'samsa-gen-'));
  try {
    writeAll(tmp, files);
    const diffs: string[] = [];
    const committed = existsSync(outDir) ? readdirSync(outDir).filter((n) => n.endsWith('.ts')) : [];
    for (const name of new Set([...committed, ...files.keys()])) {
      const want = existsSync(join(tmp, name)) ? readFileSync(join(tmp, name), 'utf8') : undefined;
      const have = existsSync(join(outDir, name)) ? readFileSync(join(outDir, name), 'utf8') : undefined;
      if (want !== have) diffs.push(want === undefined ? `stale: ${name}` : have === undefined ? `missing: ${name}` : `differs: ${name}`);
    }
    if (diffs.length) {
      process.stdout.write(`protocol/generated/ is out of date (npm run gen):\n  ${diffs.join('\n  ')}\n`);
      process.exitCode = 1;
    } else process.stdout.write(`protocol/generated/ is up to date (${[...files.keys()].join(', ')})\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
