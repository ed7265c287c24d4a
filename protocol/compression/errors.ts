/**
 * A compressed payload whose decompressed size is over the caller's limit.
 * Thrown before that much output exists: each codec checks what its framing
 * declares (snappy lengths, LZ4 and zstd block headers, frame content sizes)
 * before decoding, and decodes into at most the limit otherwise.
 */
export class DecompressedSizeError extends Error {
  override readonly name = 'DecompressedSizeError';
  readonly code = 'ERR_DECOMPRESSED_SIZE';

  constructor(
    /** The codec's name: gzip, snappy, lz4, zstd. */
    readonly codec: string,
    /** The limit, in bytes of decompressed output. */
    readonly limit: number,
    /** What showed the payload to be over the limit. */
    readonly detail: string,
  ) {
    super(`${codec} payload decompresses to more than the limit of ${limit} bytes (${detail})`);
  }
}
