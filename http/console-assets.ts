/**
 * The web console's built files (console/build.mjs writes them to
 * dist/console). Only this fixed set is served: no path from a request
 * reaches the file system.
 */
import { readFile } from 'node:fs/promises';

const FILES: ReadonlyMap<string, { file: string; type: string }> = new Map([
  ['/', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/index.html', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/app.js', { file: 'app.js', type: 'text/javascript; charset=utf-8' }],
  ['/app.js.map', { file: 'app.js.map', type: 'application/json' }],
  ['/app.css', { file: 'app.css', type: 'text/css; charset=utf-8' }],
  ['/app.css.map', { file: 'app.css.map', type: 'application/json' }],
]);

const ROOT = new URL('../console/', import.meta.url);

export function isConsolePath(path: string): boolean {
  return FILES.has(path);
}

/** The file's bytes and type; null when the console was not built. */
export async function consoleAsset(path: string): Promise<{ body: Buffer; type: string } | null> {
  const f = FILES.get(path);
  if (f === undefined) return null;
  try {
    return { body: await readFile(new URL(f.file, ROOT)), type: f.type };
  } catch {
    return null;
  }
}
