/**
 * The controller's durable state on a single node: one small JSON document in
 * the data directory, replaced atomically (write a temporary file, fsync,
 * rename over the old one, fsync the directory). A crash leaves either the old
 * or the new document, never a mix.
 *
 * Format (version 1):
 *   { version: 1, clusterId, brokerId, producerIdBlockEnd,
 *     brokerConfigs: { name: value },
 *     topics: [{ name, id, partitions, configs: { name: value } }] }
 */
import { mkdirSync, openSync, closeSync, fsyncSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const METADATA_FILE = 'samsa-metadata.json';
const FORMAT_VERSION = 1;
const MAX_FILE_BYTES = 64 << 20;

export interface TopicRecord {
  name: string;
  /** Kafka's base64url form of the 16-byte topic id. */
  id: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface MetadataDocument {
  version: number;
  clusterId: string;
  brokerId: number;
  /** Producer ids below this may have been handed out; a restart starts here. */
  producerIdBlockEnd: number;
  brokerConfigs: Record<string, string>;
  topics: TopicRecord[];
}

export function readMetadata(dir: string): MetadataDocument | null {
  const path = join(dir, METADATA_FILE);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_FILE_BYTES) throw new Error(`${path}: larger than ${MAX_FILE_BYTES} bytes`);
  const doc = JSON.parse(text) as MetadataDocument;
  if (doc.version !== FORMAT_VERSION) throw new Error(`${path}: unsupported format version ${doc.version}`);
  return doc;
}

export function writeMetadata(dir: string, doc: MetadataDocument): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, METADATA_FILE);
  const tmp = `${path}.tmp`;
  writeFileAtomic(dir, tmp, path, JSON.stringify(doc, null, 1) + '\n');
}

export function writeFileAtomic(dir: string, tmp: string, path: string, text: string): void {
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Kafka's `meta.properties`, so operators and tools recognise the directory. */
export function writeMetaProperties(dir: string, clusterId: string, brokerId: number): void {
  const path = join(dir, 'meta.properties');
  const text = `#\n#samsa\nversion=0\nbroker.id=${brokerId}\ncluster.id=${clusterId}\n`;
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  writeFileAtomic(dir, `${path}.tmp`, path, text);
}
