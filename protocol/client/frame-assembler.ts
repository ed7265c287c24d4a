// Cuts a byte stream into Kafka frames (int32 size + body). Chunks of a frame that
// spans several socket reads are collected and joined once when the frame is
// complete, so a 1 MiB fetch response costs one copy, not one per read; a frame
// that lies inside one read is a view of it, no copy at all.

/** Largest frame accepted unless told otherwise: a bad size prefix must not allocate without bound. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
}

export class FrameAssembler {
  /** bytes of the partial frame (or partial size prefix) held back */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** body size of the frame being assembled, -1 while its prefix is incomplete */
  private need = -1;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes held back waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.partsBytes;
  }

  /**
   * Feeds one read; calls onFrame with each complete frame body (without the size
   * prefix). A frame is a view valid until onFrame returns unless the caller keeps it:
   * views of `data` stay valid as long as they are referenced, which is the case here.
   */
  push(data: Buffer, onFrame: (frame: Buffer) => void): void {
    let pos = 0;
    if (this.partsBytes > 0) {
      pos = this.fillPending(data, onFrame);
      if (pos < 0) return;
    }
    const len = data.length;
    while (len - pos >= 4) {
      const size = data.readInt32BE(pos);
      this.checkSize(size);
      if (len - pos - 4 < size) break;
      onFrame(data.subarray(pos + 4, pos + 4 + size));
      pos += 4 + size;
    }
    if (pos < len) {
      const rest = data.subarray(pos);
      this.parts.push(rest);
      this.partsBytes = rest.length;
      this.need = rest.length >= 4 ? rest.readInt32BE(0) : -1;
    }
  }

  /** Completes the held-back frame with the head of data; returns where data continues, or -1 when data was all taken. */
  private fillPending(data: Buffer, onFrame: (frame: Buffer) => void): number {
    if (this.need < 0) {
      // The size prefix itself was split: join the few bytes to read it.
      const head = Buffer.concat([...this.parts, data.subarray(0, Math.min(data.length, 4))]);
      if (head.length < 4) {
        this.parts = [head];
        this.partsBytes = head.length;
        return -1;
      }
      this.need = head.readInt32BE(0);
      this.checkSize(this.need);
    }
    const total = 4 + this.need;
    const missing = total - this.partsBytes;
    if (data.length < missing) {
      this.parts.push(data);
      this.partsBytes += data.length;
      return -1;
    }
    this.parts.push(data.subarray(0, missing));
    const whole = Buffer.concat(this.parts, total);
    this.parts = [];
    this.partsBytes = 0;
    this.need = -1;
    onFrame(whole.subarray(4));
    return missing;
  }

  private checkSize(size: number): void {
    if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(`frame of ${size} bytes exceeds the limit of ${this.maxFrameBytes}`);
  }
}
