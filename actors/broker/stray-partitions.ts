/**
 * Partition directories no listed topic owns: what a crash leaves when it
 * interrupts a topic deletion after the metadata was written but before the
 * directory was removed. Opened again, such a directory would hand the old
 * topic's records to a topic created later under the same name, so it is
 * renamed out of the way (`<topic>-<p>.<id>-stray`, as Kafka names stray
 * logs) before anything can be created. Nothing is deleted: an operator can
 * still look at it.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../runtime/index.js';

/** `<topic>-<partition>`, with Kafka's legal topic characters. */
const PARTITION_DIR = /^[a-zA-Z0-9._-]{1,249}-\d+$/;

export function setAsideStrayPartitions(dataDir: string, open: ReadonlySet<string>, log: Logger): string[] {
  const moved: string[] = [];
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !PARTITION_DIR.test(entry.name) || open.has(entry.name)) continue;
    const target = `${entry.name}.${randomUUID().replaceAll('-', '')}-stray`;
    renameSync(join(dataDir, entry.name), join(dataDir, target));
    log.warn(`partition directory ${entry.name} belongs to no topic (a deletion interrupted by a crash?): renamed to ${target}`);
    moved.push(target);
  }
  if (moved.length > 0) {
    // the renames must be durable before a topic of the same name can be created
    const fd = openSync(dataDir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return moved;
}
