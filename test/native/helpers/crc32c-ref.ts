// A table-driven CRC-32C in plain TypeScript, written from the algorithm's
// definition (reflected polynomial 0x82F63B78). The tests' independent
// reference for the native code, and the JS baseline in the benchmarks.

const POLYNOMIAL = 0x82f63b78;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32cTable(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
