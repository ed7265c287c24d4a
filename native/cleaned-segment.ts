// The log cleaner's half of a segment swap, run on the cleaner's thread: the
// cleaned file's indexes are built, sealed and fsync'd beside it, so that
// PartitionLog.replaceSegments, which holds the log's locks on the thread
// serving the partition, only renames files.
import { addon } from './addon.js';

/**
 * Checks `<firstBase>.log.cleaned` in `dir` (whole CRC-valid v2 batches,
 * offsets increasing within [firstBase, endOffset)) and writes
 * `<firstBase>.index.cleaned` and `<firstBase>.timeindex.cleaned` for it.
 * Throws a StorageError (CORRUPT_BATCH) when the file is not whole.
 */
export function indexCleanedSegment(dir: string, firstBase: number, endOffset: number, indexIntervalBytes: number, indexBytes: number): void {
  addon.indexCleanedSegment(dir, firstBase, endOffset, indexIntervalBytes, indexBytes);
}
