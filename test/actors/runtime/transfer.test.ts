import type { TestMsg } from './fixtures/test-actor.js';
import { eachMode, startHarness } from './modes.js';

function pattern(size: number): ArrayBuffer {
  const u8 = new Uint8Array(size);
  for (let i = 0; i < size; i++) u8[i] = (i * 31) & 0xff;
  return u8.buffer;
}

function sumOf(buf: ArrayBuffer): number {
  let s = 0;
  for (const b of new Uint8Array(buf)) s += b;
  return s;
}

eachMode('a transferred buffer arrives intact and leaves zero bytes with the sender', async (t, mode) => {
  const h = await startHarness(t, mode);
  const a = h.system.ref<TestMsg, { byteLength: number; sum: number }>('test', h.key());
  const buf = pattern(16 * 1024);
  const expected = sumOf(buf);
  const reply = a.ask({ op: 'sum', buf }, { transfer: [buf] });
  t.is(buf.byteLength, 0);
  t.deepEqual(await reply, { byteLength: 16 * 1024, sum: expected });
});

eachMode('a reply can transfer its buffers back', async (t, mode) => {
  const h = await startHarness(t, mode);
  const a = h.system.ref<TestMsg, { buf: ArrayBuffer }>('test', h.key());
  const buf = pattern(16 * 1024);
  const expected = sumOf(buf);
  const { buf: back } = await a.ask({ op: 'echo', buf }, { transfer: [buf] });
  t.is(buf.byteLength, 0);
  t.is(back.byteLength, 16 * 1024);
  t.is(sumOf(back), expected);
});

eachMode('askMany transfers each item\'s buffers in its worker\'s one message', async (t, mode) => {
  const h = await startHarness(t, mode);
  const bufs = Array.from({ length: 8 }, (_, i) => pattern(1024 + i));
  const sums = bufs.map(sumOf);
  const outcomes = await h.system.askMany<{ byteLength: number; sum: number }>(
    bufs.map((buf) => ({ ref: h.system.ref('test', h.key()), msg: { op: 'sum', buf }, transfer: [buf] })),
  );
  t.true(bufs.every((b) => b.byteLength === 0));
  t.deepEqual(
    outcomes.map((o) => (o.ok ? o.value : null)),
    bufs.map((_, i) => ({ byteLength: 1024 + i, sum: sums[i] })),
  );
});
