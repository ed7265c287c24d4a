export * from './batch-header.js';
export * from './record-batch.js';
export * from './control.js';
export { crc32c } from './crc32c.js';
export * from './legacy-format.js';
export * from './legacy-convert.js';
export * from './recompress.js';
