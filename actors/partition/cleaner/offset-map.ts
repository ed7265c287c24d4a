/**
 * Key -> offset of its latest record in the dirty section, bounded by
 * log.cleaner.dedupe.buffer.size. Kafka's SkimpyOffsetMap keeps a 16-byte
 * MD5 per key; this keeps the key itself (no collision can ever drop a
 * latest value) and counts its bytes plus a fixed overhead against the bound.
 */
const ENTRY_OVERHEAD_BYTES = 48;

export class OffsetMap {
  readonly #latest = new Map<string, number>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.#latest.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Records `offset` as the key's latest (a key's bytes as latin1); false (and nothing recorded) when a new key would pass the bound. */
  put(key: string, offset: number): boolean {
    const size = this.#latest.size;
    this.#latest.set(key, offset);
    if (this.#latest.size === size) return true;
    const cost = key.length + ENTRY_OVERHEAD_BYTES;
    if (this.#bytes + cost > this.maxBytes) {
      this.#latest.delete(key);
      return false;
    }
    this.#bytes += cost;
    return true;
  }

  get(key: string): number | undefined {
    return this.#latest.get(key);
  }
}
