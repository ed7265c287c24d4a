/**
 * `partition.metadata` in a partition directory, as Kafka writes it:
 *   version: 0
 *   topic_id: <base64 topic id>
 * In a cluster a topic can be deleted while one of its brokers is down and
 * created again under the same name: the file tells that broker its old
 * directory belongs to another topic, which is then set aside (renamed
 * `<dir>.<random>-stray`, never opened as the new topic, never deleted).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PARTITION_METADATA_FILE = 'partition.metadata';
const TOPIC_ID_LINE = /^topic_id: ?(\S+)$/m;

/** The topic id the directory was written for, or null when it has no (readable) file. */
export function readPartitionTopicId(dir: string): string | null {
  const path = join(dir, PARTITION_METADATA_FILE);
  if (!existsSync(path)) return null;
  const m = TOPIC_ID_LINE.exec(readFileSync(path, 'utf8').slice(0, 4096));
  return m === null ? null : m[1]!;
}

/** Makes `dir` the directory of topic `topicId`: a directory of another topic is renamed aside first; returns the stray name or null. */
export function claimPartitionDir(dir: string, topicId: string): string | null {
  let stray: string | null = null;
  const found = existsSync(dir) ? readPartitionTopicId(dir) : null;
  if (found !== null && found !== topicId) {
    stray = `${dir}.${randomUUID().replaceAll('-', '')}-stray`;
    renameSync(dir, stray);
  }
  if (found === topicId) return stray;
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${PARTITION_METADATA_FILE}.tmp`);
  writeFileSync(tmp, `version: 0\ntopic_id: ${topicId}\n`);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, PARTITION_METADATA_FILE));
  return stray;
}
