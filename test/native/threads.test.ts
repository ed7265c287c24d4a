import test from 'ava';
import { Worker } from 'node:worker_threads';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PartitionLog } from '../../native/index.js';
import { simpleBatch } from './helpers/batch-builder.js';
import { tempDir } from './helpers/temp-dir.js';

const here = dirname(fileURLToPath(import.meta.url));

interface ReaderReport {
  batches: number;
  restarts: number;
  problems: string[];
  next: number;
}

test('readers in worker threads see only whole batches while the writer appends, rolls and deletes', async (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir, { segmentBytes: 64 * 1024, indexIntervalBytes: 1024 });
  const BATCHES = 4000;
  let until = 0;
  for (let i = 0; i < BATCHES; i++) until += 1 + (i % 5);
  const workers = [0, 1].map(() => new Worker(join(here, 'helpers', 'reader-worker.js'), { workerData: { dir, until } }));
  const reports = workers.map(
    (w) => new Promise<ReaderReport>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    }),
  );
  await new Promise((r) => setTimeout(r, 50)); // let the workers attach
  for (let i = 0; i < BATCHES; i++) {
    log.append(simpleBatch(1 + (i % 5), 10 + ((i * 31) % 500)));
    if (i % 1000 === 999) log.deleteRecordsBefore(log.logEndOffset - 200);
    if (i % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  t.is(log.logEndOffset, until);
  const results = await Promise.all(reports);
  for (const r of results) {
    t.deepEqual(r.problems, []);
    t.is(r.next, until);
    t.true(r.batches > 0);
  }
  log.close();
});

test('a reader handle in a worker gets CLOSED after the writer closes; its views stay readable', async (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir);
  log.append(simpleBatch(1, 10));
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.index).then(({ PartitionLog }) => {
      const reader = PartitionLog.attach(workerData.dir);
      const view = reader.read(0, 100).views[0];
      parentPort.postMessage('ready');
      parentPort.once('message', () => {
        let code = null;
        try { reader.read(0, 100); } catch (e) { code = e.code; }
        parentPort.postMessage({ code, firstByte: view[16] });
      });
    });`;
  const w = new Worker(code, { eval: true, workerData: { dir, index: new URL('../../native/index.js', import.meta.url).href } });
  await new Promise((r) => w.once('message', r));
  log.close();
  w.postMessage('go');
  const result = await new Promise<{ code: string; firstByte: number }>((r) => w.once('message', r));
  t.is(result.code, 'CLOSED');
  t.is(result.firstByte, 2, 'a view taken before close still reads (magic byte)');
  await w.terminate();
});
