// Produce round trips of a 16 KiB request (acks=1) from this process to samsa and
// to the limit server, each server in its own process. The tracked figure is the
// ratio samsa / limit taken in the same run: one request at a time (latency bound)
// and 8 pipelined (throughput bound).
import { defineSuite, measure, type BenchTask } from '../harness.js';
import { Cluster, LeanProducer, PreEncodedBatch, perfPayload, recordsPerBatch } from '../../protocol/client/index.js';
import { startServerProcess, type ServerProcess } from '../limit/processes.js';

const REQUEST_BYTES = 16 * 1024;
const PIPELINE = 8;

interface Target {
  server: ServerProcess;
  cluster: Cluster;
  producer: LeanProducer;
}

async function target(name: string, script: string): Promise<Target> {
  const server = await startServerProcess(name, script, []);
  const cluster = await Cluster.connect({ bootstrap: server.bootstrap, clientId: 'samsa-bench' });
  await cluster.ensureTopic('bench-e2e', 1);
  return { server, cluster, producer: await LeanProducer.create(cluster, 'bench-e2e', { acks: 1 }) };
}

export default defineSuite('e2e/produce', async (opts) => {
  const batch = new PreEncodedBatch({ recordCount: recordsPerBatch(100, REQUEST_BYTES), value: perfPayload(100) });
  const parts = [{ partition: 0, batch }];
  const targets: Target[] = [];
  try {
    targets.push(await target('limit', 'limit/main.js'));
    try {
      targets.push(await target('samsa', 'limit/samsa-main.js'));
    } catch (e) {
      process.stdout.write(`  (samsa did not start, limit only: ${(e as Error).message.split('\n')[0]})\n`);
    }
    // Each samsa case right after its limit case: tinybench runs tasks in order,
    // and neighbours in time share the machine's conditions best.
    const tasks: BenchTask[] = [];
    for (const shape of ['round trip', `x${PIPELINE} pipelined`] as const) {
      for (const t of targets) {
        const name = `${t.server.name}: 16 KiB produce ${shape}`;
        const ref = t.server.name === 'limit' ? undefined : `limit: 16 KiB produce ${shape}`;
        if (shape === 'round trip') tasks.push({ name, ref, bytes: batch.sizeBytes, fn: () => t.producer.send(parts) });
        else tasks.push({ name, ref, gate: false, bytes: batch.sizeBytes * PIPELINE, fn: () => Promise.all(Array.from({ length: PIPELINE }, () => t.producer.send(parts))) });
      }
    }
    return await measure('e2e/produce', tasks, opts);
  } finally {
    for (const t of targets) {
      await t.cluster.close();
      await t.server.stop();
    }
  }
});
