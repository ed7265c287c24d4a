// Kafka's checkpoint files, in Kafka's text format:
//   line 1: format version (0)
//   line 2: entry count
//   then one entry per line, fields separated by one space.
// Per log directory: recovery-point-offset-checkpoint and
// log-start-offset-checkpoint hold "topic partition offset" entries. Per
// partition directory: leader-epoch-checkpoint holds "epoch startOffset".
// Durability: written to <file>.tmp, fsync'd, renamed over the file, and the
// directory fsync'd, so a crash leaves the old or the new file, never a torn
// one. A missing file reads as empty (a fresh log directory).
import { open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StorageError } from './errors.js';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
const CHECKPOINT_VERSION = 0;
const TMP_SUFFIX = '.tmp';
/** Kafka's legal topic characters; a space would break the line format. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

function corrupt(path: string, why: string): StorageError {
  return new StorageError(`checkpoint ${path}: ${why}`, 'CORRUPT_CHECKPOINT');
}

function parseInteger(text: string | undefined, path: string, min: number): number {
  if (text === undefined || !/^-?\d+$/.test(text)) throw corrupt(path, `"${text}" is not an integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw corrupt(path, `${text} is out of range`);
  return n;
}

async function readEntries(path: string, fields: number): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError(e, 'read', path);
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (parseInteger(lines[0], path, 0) !== CHECKPOINT_VERSION) throw corrupt(path, `unsupported version ${lines[0]}`);
  const count = parseInteger(lines[1], path, 0);
  if (lines.length !== count + 2) throw corrupt(path, `expected ${count} entries, found ${lines.length - 2}`);
  return lines.slice(2).map((line) => {
    const parts = line.split(' ');
    if (parts.length !== fields) throw corrupt(path, `malformed entry "${line}"`);
    return parts;
  });
}

function ioError(e: unknown, op: string, path: string): StorageError {
  const code = (e as NodeJS.ErrnoException).code;
  const mapped = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? 'NO_SPACE'
    : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'PERMISSION_DENIED'
    : code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR';
  const err = new StorageError(`${op} ${path}: ${(e as Error).message}`, mapped);
  err.errno = (e as NodeJS.ErrnoException).errno;
  return err;
}

async function writeAtomically(path: string, lines: string[]): Promise<void> {
  const text = `${CHECKPOINT_VERSION}\n${lines.length}\n${lines.map((l) => l + '\n').join('')}`;
  const tmp = path + TMP_SUFFIX;
  try {
    const file = await open(tmp, 'w', 0o644);
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (e) {
    throw ioError(e, 'write', path);
  }
}

/** Reads recovery-point-offset-checkpoint, log-start-offset-checkpoint or replication-offset-checkpoint. */
export async function readOffsetCheckpoint(path: string): Promise<PartitionOffset[]> {
  return (await readEntries(path, 3)).map(([topic, partition, offset]) => {
    if (!TOPIC_NAME.test(topic!)) throw corrupt(path, `bad topic name "${topic}"`);
    return { topic: topic!, partition: parseInteger(partition, path, 0), offset: parseInteger(offset, path, 0) };
  });
}

export async function writeOffsetCheckpoint(path: string, entries: readonly PartitionOffset[]): Promise<void> {
  const lines = entries.map(({ topic, partition, offset }) => {
    if (!TOPIC_NAME.test(topic)) throw new StorageError(`bad topic name "${topic}"`, 'INVALID_ARGUMENT');
    if (!Number.isInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) {
      throw new StorageError(`bad checkpoint entry ${topic} ${partition} ${offset}`, 'INVALID_ARGUMENT');
    }
    return `${topic} ${partition} ${offset}`;
  });
  await writeAtomically(path, lines);
}

/** Reads a partition directory's leader-epoch-checkpoint. */
export async function readLeaderEpochCheckpoint(path: string): Promise<EpochEntry[]> {
  return (await readEntries(path, 2)).map(([epoch, startOffset]) => ({
    epoch: parseInteger(epoch, path, 0),
    startOffset: parseInteger(startOffset, path, 0),
  }));
}

export async function writeLeaderEpochCheckpoint(path: string, entries: readonly EpochEntry[]): Promise<void> {
  const lines = entries.map(({ epoch, startOffset }) => {
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isSafeInteger(startOffset) || startOffset < 0) {
      throw new StorageError(`bad leader epoch entry ${epoch} ${startOffset}`, 'INVALID_ARGUMENT');
    }
    return `${epoch} ${startOffset}`;
  });
  await writeAtomically(path, lines);
}

/** The checkpoint files of a log directory / partition directory (replication-offset-checkpoint: the replicas' high watermarks, Kafka's ReplicaManager file). */
export function checkpointPaths(logDir: string): { recoveryPoint: string; logStartOffset: string; highWatermark: string } {
  return { recoveryPoint: join(logDir, RECOVERY_POINT_CHECKPOINT), logStartOffset: join(logDir, LOG_START_OFFSET_CHECKPOINT), highWatermark: join(logDir, REPLICATION_OFFSET_CHECKPOINT) };
}

/** `<topic>-<partition>`, the partition directory name Kafka uses. */
export function partitionDirName(topic: string, partition: number): string {
  if (!TOPIC_NAME.test(topic)) throw new StorageError(`bad topic name "${topic}"`, 'INVALID_ARGUMENT');
  if (!Number.isInteger(partition) || partition < 0) throw new StorageError(`bad partition ${partition}`, 'INVALID_ARGUMENT');
  return `${topic}-${partition}`;
}
