// The raw shape of the compiled addon (native/src/*_binding.cc). Only the
// typed wrappers beside this file use it; result layouts here mirror the
// constants in native/src/log_binding.cc.

export const APPEND_RESULT_FIELDS = 9; // baseOffset, lastOffset, logAppendTime, maxTimestamp, offsetOfMaxTimestamp, batches, bytes, records, rolled
export const READ_RESULT_FIELDS = 3; // firstOffset, nextOffset, bytes
export const BATCH_HEADER_FIELDS = 13; // see batch-header.ts
export const SEGMENT_FIELDS = 4; // baseOffset, bytes, maxTimestamp, largestTimestamp
export const OFFSETS_FIELDS = 3; // logStartOffset, logEndOffset, recoveryPoint

export interface NativeLogHandle {
  append(
    buf: Uint8Array,
    out: Float64Array,
    assignOffsets: boolean,
    leaderEpoch: number | null,
    logAppendTime: boolean,
    nowMs: number,
    durable: boolean,
    keyedOnly: boolean,
  ): void;
  read(offset: number, maxBytes: number, maxOffsetExclusive: number, out: Float64Array): Buffer[];
  offsetForTimestamp(ts: number, out: Float64Array): void;
  scanBatches(from: number, maxBatches: number): Float64Array;
  segments(): Float64Array;
  offsets(out: Float64Array): void;
  flush(): void;
  truncateTo(offset: number): number;
  advanceLogStart(offset: number): number;
  replaceSegmentGroups(spec: Float64Array, cleanedPaths: string[]): boolean[];
  recoveryReport(): { segmentsScanned: number; bytesTruncated: number; segmentsDeleted: number; indexesRebuilt: number };
  close(): void;
  injectWriteFault(errnoName: string, bytesBeforeFailure: number): void;
}

export interface NativeLogConstructor {
  new (
    mode: 'open',
    dir: string,
    segmentBytes: number,
    segmentMs: number,
    segmentIndexBytes: number,
    indexIntervalBytes: number,
    recoveryPoint: number,
    logStartOffset: number,
    nowMs: number,
  ): NativeLogHandle;
  new (mode: 'attach', dir: string): NativeLogHandle;
}

export interface NativeAddon {
  setErrorClass(cls: unknown): void;
  crc32c(buf: Uint8Array, start?: number, end?: number): number;
  crc32cPortable(buf: Uint8Array, start?: number, end?: number): number;
  crc32cHardware(buf: Uint8Array, start?: number, end?: number): number;
  crc32cHardwareAvailable(): boolean;
  setThreadNice(nice: number): number | null;
  indexCleanedSegment(dir: string, firstBase: number, endOffset: number, indexIntervalBytes: number, indexBytes: number): void;
  murmur2(buf: Uint8Array): number;
  murmur2Batch(keys: Uint8Array, offsets: Int32Array, out: Int32Array, numPartitions: number, kernel?: string): void;
  murmur2Kernels(): string[];
  recordsProblem(records: Uint8Array, count: number, keyedOnly: boolean): { record: number; message: string } | null;
  NativeLog: NativeLogConstructor;
  NativeDirLock: new (dir: string) => { release(): void };
}
