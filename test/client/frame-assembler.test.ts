// Framing of a byte stream into Kafka frames, however the reads split it.
import test from 'ava';
import { FrameAssembler, FrameTooLargeError } from '../../protocol/client/frame-assembler.js';

function framed(bodies: Buffer[]): Buffer {
  return Buffer.concat(bodies.flatMap((b) => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(b.length);
    return [size, b];
  }));
}

const bodies = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('hello world'), Buffer.alloc(3000, 7), Buffer.from('zz')];
const stream = framed(bodies);

test('every split of the stream into two reads yields the same frames', (t) => {
  for (let cut = 0; cut <= stream.length; cut++) {
    const a = new FrameAssembler();
    const got: Buffer[] = [];
    a.push(stream.subarray(0, cut), (f) => got.push(Buffer.from(f)));
    a.push(stream.subarray(cut), (f) => got.push(Buffer.from(f)));
    t.deepEqual(got, bodies, `cut at ${cut}`);
    t.is(a.pendingBytes, 0);
  }
});

test('one byte per read, including split size prefixes', (t) => {
  const a = new FrameAssembler();
  const got: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) a.push(stream.subarray(i, i + 1), (f) => got.push(Buffer.from(f)));
  t.deepEqual(got, bodies);
});

test('many frames in one read come out in order as views', (t) => {
  const a = new FrameAssembler();
  const got: Buffer[] = [];
  a.push(stream, (f) => got.push(f));
  t.deepEqual(got, bodies);
  t.is(got[2]!.buffer, stream.buffer, 'a frame inside one read is not copied');
});

test('a size prefix above the limit or negative is refused', (t) => {
  const a = new FrameAssembler(100);
  const big = Buffer.alloc(8);
  big.writeInt32BE(101);
  t.throws(() => a.push(big, () => undefined), { instanceOf: FrameTooLargeError });
  const neg = Buffer.alloc(8);
  neg.writeInt32BE(-1);
  t.throws(() => new FrameAssembler().push(neg, () => undefined), { instanceOf: FrameTooLargeError });
});
