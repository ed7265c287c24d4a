// Loads the compiled addon once per thread: build/Release/samsa_native.node,
// or the absolute path in SAMSA_NATIVE_ADDON (the sanitizer build, a debug
// build). Registers StorageError so native failures arrive typed.
import { createRequire } from 'node:module';
import { isAbsolute, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { StorageError } from './errors.js';
import type { NativeAddon } from './native-types.js';

export const ADDON_OVERRIDE_ENV = 'SAMSA_NATIVE_ADDON';

function findProjectRoot(start: string): string {
  // Compiled to dist/native/, run from source maps or ts loaders at native/.
  let dir = start;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'binding.gyp'))) return dir;
    dir = dirname(dir);
  }
  throw new StorageError(`cannot find the project root above ${start}`, 'NOT_FOUND');
}

function addonPath(): string {
  const override = process.env[ADDON_OVERRIDE_ENV];
  if (override) {
    if (!isAbsolute(override)) throw new StorageError(`${ADDON_OVERRIDE_ENV} must be an absolute path`, 'INVALID_ARGUMENT');
    return override;
  }
  return join(findProjectRoot(dirname(fileURLToPath(import.meta.url))), 'build', 'Release', 'samsa_native.node');
}

function load(): NativeAddon {
  const require = createRequire(import.meta.url);
  const addon = require(addonPath()) as NativeAddon;
  addon.setErrorClass(StorageError);
  return addon;
}

export const addon: NativeAddon = load();
