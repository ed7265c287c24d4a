/** Kafka's rules for topic names and ids. */
import { randomBytes } from 'node:crypto';

export const TOPIC_NAME_MAX_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why a topic name is invalid, or null when it is valid. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > TOPIC_NAME_MAX_LENGTH) return `Topic name is illegal, it can't be longer than ${TOPIC_NAME_MAX_LENGTH} characters`;
  if (!LEGAL.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

/** Topics whose names differ only by '.' vs '_' collide in metric names; Kafka refuses the second. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}

/** A random 16-byte id in Kafka's base64url form, never the reserved zero/one ids nor starting with '-'. */
export function newUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const text = bytes.toString('base64url');
    if (text.startsWith('-')) continue;
    if (bytes.every((b, i) => b === 0 || (i === 15 && b === 1))) continue;
    return text;
  }
}

export function uuidToBytes(id: string): Buffer {
  return Buffer.from(id, 'base64url');
}

export function uuidFromBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
