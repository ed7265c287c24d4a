/**
 * Splits a byte stream into Kafka frames (int32 size + payload).
 *
 * A frame that arrives inside one chunk is returned as a view of that chunk
 * (no copy); only a frame split across chunks is assembled into one buffer,
 * allocated once at its final size.
 */

export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`request of ${size} bytes exceeds socket.request.max.bytes (${limit})`);
  }
}

const SIZE_BYTES = 4;

export class FrameReader {
  /** Leftover bytes smaller than a size prefix. */
  private head: Buffer | null = null;
  /** Frame being assembled across chunks. */
  private partial: Buffer | null = null;
  private partialFilled = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes buffered and not yet part of a returned frame. */
  get bufferedBytes(): number {
    return (this.head?.length ?? 0) + this.partialFilled;
  }

  /** Appends a chunk; returns the frames it completes (possibly none). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let buf = chunk;
    if (this.partial !== null) {
      const need = this.partial.length - this.partialFilled;
      const take = Math.min(need, buf.length);
      buf.copy(this.partial, this.partialFilled, 0, take);
      this.partialFilled += take;
      buf = buf.subarray(take);
      if (this.partialFilled < this.partial.length) return frames;
      frames.push(this.partial);
      this.partial = null;
      this.partialFilled = 0;
    }
    if (this.head !== null) {
      buf = Buffer.concat([this.head, buf]);
      this.head = null;
    }
    let pos = 0;
    while (buf.length - pos >= SIZE_BYTES) {
      const size = buf.readInt32BE(pos);
      if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      const start = pos + SIZE_BYTES;
      if (buf.length - start >= size) {
        frames.push(buf.subarray(start, start + size));
        pos = start + size;
        continue;
      }
      this.partial = Buffer.allocUnsafe(size);
      buf.copy(this.partial, 0, start);
      this.partialFilled = buf.length - start;
      return frames;
    }
    if (pos < buf.length) this.head = Buffer.from(buf.subarray(pos));
    return frames;
  }
}
