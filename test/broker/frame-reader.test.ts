import test from 'ava';
import { FrameReader, FrameTooLargeError } from '../../actors/broker/net/frame-reader.js';

function frame(payload: string): Buffer {
  const body = Buffer.from(payload);
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

test('several frames in one chunk come out as views of that chunk', (t) => {
  const chunk = Buffer.concat([frame('abc'), frame(''), frame('hello')]);
  const frames = new FrameReader(1024).push(chunk);
  t.deepEqual(frames.map((f) => f.toString()), ['abc', '', 'hello']);
  t.is(frames[0]!.buffer, chunk.buffer);
});

test('a frame split at every byte boundary is reassembled', (t) => {
  const bytes = Buffer.concat([frame('first frame'), frame('second')]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const r = new FrameReader(1024);
    const out = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
    t.deepEqual(out.map((f) => f.toString()), ['first frame', 'second'], `cut at ${cut}`);
    t.is(r.bufferedBytes, 0);
  }
});

test('one byte at a time', (t) => {
  const bytes = Buffer.concat([frame('xyz'), frame('0123456789')]);
  const r = new FrameReader(1024);
  const out: string[] = [];
  for (const b of bytes) out.push(...r.push(Buffer.from([b])).map((f) => f.toString()));
  t.deepEqual(out, ['xyz', '0123456789']);
});

test('a frame above the limit is refused before its bytes arrive', (t) => {
  const r = new FrameReader(10);
  const header = Buffer.alloc(4);
  header.writeInt32BE(11, 0);
  t.throws(() => r.push(header), { instanceOf: FrameTooLargeError });
  const neg = Buffer.alloc(4);
  neg.writeInt32BE(-1, 0);
  t.throws(() => new FrameReader(10).push(neg), { instanceOf: FrameTooLargeError });
});
