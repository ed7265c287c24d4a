// Every failure is a typed StorageError with a stable code, never a crash,
// and a failed write leaves the log as it was.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PartitionLog, StorageError, STORAGE_ERROR_CODES } from '../../native/index.js';
import { simpleBatch } from './helpers/batch-builder.js';
import { tempDir } from './helpers/temp-dir.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, '..', '..', '..');
const err = (code: string) => ({ instanceOf: StorageError, code }) as never;

for (const [errno, code] of [['ENOSPC', 'NO_SPACE'], ['EFBIG', 'NO_SPACE'], ['EIO', 'IO_ERROR']] as const) {
  test(`a write failing with ${errno} part-way is ${code}; the log is unchanged and recovers when space returns`, (t) => {
    const dir = tempDir(t);
    const log = PartitionLog.open(dir);
    t.teardown(() => log.close());
    const first = simpleBatch(2, 100);
    log.append(first);
    const segment = join(dir, '00000000000000000000.log');
    const sizeBefore = statSync(segment).size;
    log.injectWriteFault(errno, 50); // 50 bytes reach the file, then the disk is "full"
    const e = t.throws(() => log.append(simpleBatch(2, 100)), err(code)) as StorageError;
    t.true(typeof e.errno === 'number' && e.errno > 0);
    t.is(log.logEndOffset, 2);
    t.is(statSync(segment).size, sizeBefore, 'the partial write was cut away');
    t.deepEqual(Buffer.concat(log.read(0, 1 << 20).views), first);
    t.throws(() => log.append(simpleBatch(1, 1)), err(code), 'still full');
    log.injectWriteFault('none');
    t.is(log.append(simpleBatch(1, 10)).baseOffset, 2);
    log.close();
    const reopened = PartitionLog.open(dir);
    t.is(reopened.logEndOffset, 3);
    reopened.close();
  });
}

test('a real file size limit (RLIMIT_FSIZE, EFBIG) in a child: NO_SPACE, consistent log, acked data kept', (t) => {
  const dir = tempDir(t);
  const child = spawnSync('bash', ['-c', `ulimit -f 64 && exec "${process.execPath}" "${join(here, 'helpers', 'fsize-writer.js')}" "${dir}"`], { encoding: 'utf8' });
  t.is(child.status, 0, child.stderr);
  const report = JSON.parse(child.stdout) as { code: string; before: { end: number; bytes: number }; after: { end: number; bytes: number }; acked: number; readBytes: number };
  t.is(report.code, 'NO_SPACE');
  t.deepEqual(report.after, report.before, 'offsets and file size unchanged by the failed append');
  t.is(report.readBytes, report.before.bytes);
  t.true(report.acked > 0);
  const log = PartitionLog.open(dir);
  t.is(log.logEndOffset, report.acked, 'every acknowledged (durable) batch survived');
  t.is(log.append(simpleBatch(1, 10)).baseOffset, report.acked, 'appends work without the limit');
  log.close();
});

test('permission denied is PERMISSION_DENIED', (t) => {
  const dir = tempDir(t);
  const parent = join(dir, '..', 'locked');
  mkdirSync(parent);
  chmodSync(parent, 0o500);
  t.teardown(() => chmodSync(parent, 0o700));
  const script = `import(${JSON.stringify(new URL('../../native/index.js', import.meta.url).href)}).then(({ PartitionLog }) => {
    try { PartitionLog.open(${JSON.stringify(join(parent, 'topic-0'))}); console.log('opened'); } catch (e) { console.log(e.code); }
  });`;
  // root ignores permission bits: run the attempt as nobody when we are root
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: '/', ...asNobody });
  t.is(child.stdout.trim(), 'PERMISSION_DENIED', child.stderr);
});

test('missing parent directory is NOT_FOUND; a segment path that is a directory is IO_ERROR', (t) => {
  const dir = tempDir(t);
  t.throws(() => PartitionLog.open(join(dir, 'no', 'such', 'topic-0')), err('NOT_FOUND'));
  mkdirSync(join(dir, '00000000000000000000.log'), { recursive: true });
  t.throws(() => PartitionLog.open(dir), err('IO_ERROR'));
});

test('a log directory path that is a file is NOT_FOUND (ENOTDIR)', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, '..'), { recursive: true });
  writeFileSync(join(dir, '..', 'plain-file'), 'x');
  t.throws(() => PartitionLog.open(join(dir, '..', 'plain-file')), err('NOT_FOUND'));
});

test('native errors arrive as StorageError instances with a stack and a known code', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir);
  t.teardown(() => log.close());
  const e = t.throws(() => log.read(5, 1)) as StorageError;
  t.true(e instanceof StorageError);
  t.true(e instanceof Error);
  t.is(e.name, 'StorageError');
  t.true(e.code in STORAGE_ERROR_CODES);
  t.regex(e.stack ?? '', /StorageError/);
});

test('docs/storage.md documents every error code', (t) => {
  const doc = readFileSync(join(projectRoot, 'docs', 'storage.md'), 'utf8');
  for (const code of Object.keys(STORAGE_ERROR_CODES)) t.true(doc.includes(`\`${code}\``), code);
});
