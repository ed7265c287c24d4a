// StorageError: every failure of the storage engine, native or TypeScript,
// arrives as this class with a stable `code`. The class is handed to the
// addon at load (addon.ts) so native errors are constructed as it directly.
// Codes never change meaning; new failures get new codes. docs/storage.md
// lists every code (a test checks it).

export const STORAGE_ERROR_CODES = {
  CORRUPT_BATCH: 'a record batch failed its CRC-32C check',
  INVALID_MAGIC: 'a record batch is not magic 2',
  INVALID_BATCH_SIZE: 'a batch length is below the v2 header size or runs past the end of the data',
  INVALID_RECORD_COUNT: 'a batch record count is inconsistent with its offset range',
  INVALID_RECORDS: "an uncompressed batch's records do not fill it as its record count and their lengths state",
  INVALID_OFFSET: 'an offset is negative, not a safe integer, or goes backwards',
  OFFSET_OUT_OF_RANGE: 'an offset lies outside [logStartOffset, logEndOffset]',
  NO_SPACE: 'the disk is full or a file size limit was hit (ENOSPC, EFBIG, EDQUOT)',
  PERMISSION_DENIED: 'the file system refused access (EACCES, EPERM, EROFS)',
  NOT_FOUND: 'a file or directory is missing',
  IO_ERROR: 'any other I/O failure',
  CLOSED: 'the log (or this handle) is closed',
  ALREADY_OPEN: 'the log directory is already open in this process',
  NOT_OPEN: 'attach() found no open log for the directory',
  READ_ONLY: 'a write through a read-only (attached) handle',
  INVALID_ARGUMENT: 'an argument has the wrong type or range',
  INVALID_CONFIG: 'a LogConfig value is out of range',
  CORRUPT_CHECKPOINT: 'a checkpoint file does not parse',
  LOCKED: 'the data directory is locked by another broker (in this process or another)',
} as const;

export type StorageErrorCode = keyof typeof STORAGE_ERROR_CODES;

export class StorageError extends Error {
  override name = 'StorageError';
  /** set for failed system calls */
  errno?: number;

  constructor(
    message: string,
    readonly code: StorageErrorCode,
  ) {
    super(message);
  }
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}
