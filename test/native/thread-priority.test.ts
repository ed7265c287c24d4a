// setThreadNice changes the calling thread only: a worker thread niced to 7
// reads back 7 while the main thread keeps its own value, and bad values are
// refused before they reach the system call.
import test from 'ava';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { setThreadNice } from '../../native/index.js';

const linux = process.platform === 'linux';

(linux ? test : test.skip)('a worker thread’s nice value changes, the main thread’s does not', async (t) => {
  const before = getPriority();
  const url = new URL('../../native/index.js', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(url)}).then((n) => require('node:worker_threads').parentPort.postMessage(n.setThreadNice(7)))`, { eval: true });
  t.teardown(() => worker.terminate());
  const set = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  t.is(set, 7, 'the worker reads its own nice back');
  t.is(getPriority(), before, 'the main thread keeps its priority');
});

test('a nice value outside [-20, 19] or not an integer is refused', (t) => {
  for (const bad of [20, -21, 1.5, Number.NaN]) t.throws(() => setThreadNice(bad), { message: /nice must be an integer/ }, String(bad));
});
