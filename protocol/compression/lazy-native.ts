// The native compression libraries, each loaded on first use. Most brokers never
// decode a compressed batch (batches are stored as produced), and each library
// costs a dlopen and several MB of resident memory at start.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter that requires `name` the first time it is called. */
export function lazyRequire<T>(name: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(name) as T);
}
