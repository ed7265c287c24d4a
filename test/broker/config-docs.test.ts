import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BROKER_CONFIGS } from '../../actors/config/index.js';

test('every broker property is documented in docs/configuration.md', (t) => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url)), 'utf8');
  const missing = [...BROKER_CONFIGS.keys()].filter((name) => !doc.includes(`\`${name}\``));
  t.deepEqual(missing, []);
});
