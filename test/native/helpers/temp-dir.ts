// A fresh directory per test, removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

export function tempDir(t: ExecutionContext, name = 'log'): string {
  const root = mkdtempSync(join(tmpdir(), 'samsa-native-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return join(root, `${name}-0`);
}

/** Concatenates batches into one append buffer. */
export function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}
