// CRC-32C of a concatenation from the CRCs of its parts (zlib's crc32_combine, for
// the Castagnoli polynomial). A pre-encoded batch keeps the CRC of its records
// section; when its header changes (timestamps), the batch CRC is the header's CRC
// shifted past the section and xored with the section's: 40 bytes hashed per send
// instead of the whole batch.
const POLY = 0x82f63b78;
const X_POW_2N: Uint32Array = (() => {
  const t = new Uint32Array(32);
  let p = 1 << 30; // x^1
  t[0] = p;
  for (let n = 1; n < 32; n++) t[n] = p = multModP(p, p);
  return t;
})();

/** a(x) * b(x) modulo the CRC polynomial, bit-reflected as the CRC is. */
export function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** The operator that shifts a CRC past `bytes` more bytes: x^(8 * bytes) mod P. */
export function crcShiftOperator(bytes: number): number {
  let p = 0x80000000; // x^0
  let k = 3; // 2^3 bits per byte
  let n = bytes;
  while (n > 0) {
    if (n & 1) p = multModP(X_POW_2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p >>> 0;
}

/** CRC of A||B from crc(A), crc(B) and the shift operator for |B| (crcShiftOperator). */
export function crc32cCombine(crcA: number, crcB: number, shiftOpB: number): number {
  return (multModP(shiftOpB, crcA) ^ crcB) >>> 0;
}
