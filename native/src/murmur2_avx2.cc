// murmur2 batch kernel with AVX2: eight keys at a time, one key per 32-bit
// lane. Only these functions are compiled for AVX2 (target attribute), so the
// addon still loads on CPUs without it; murmur2.cc calls them only after a
// cpuid check.
//
// Per group of eight keys, 16 bytes of each key are loaded at a time and
// transposed, so that register j holds word j of all eight keys; each word
// is then one multiply-xor step for all lanes. Lanes whose key has fewer
// whole words keep their hash through a blend. The 16-byte loads may run past
// a key into the following keys' bytes (those lanes are masked out), but never
// past offsets[count]: a group whose loads would is hashed by the portable
// kernel instead, as are the last count % 8 keys.
#include "murmur2.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

namespace samsa {
namespace {

#define SAMSA_AVX2 __attribute__((target("avx2"), always_inline)) inline

SAMSA_AVX2 __m256i multiplier() { return _mm256_set1_epi32(static_cast<int>(kMurmur2Multiplier)); }

// One word of every lane: h = h * m ^ mix(k).
SAMSA_AVX2 __m256i step(__m256i h, __m256i k) {
  const __m256i m = multiplier();
  k = _mm256_mullo_epi32(k, m);
  k = _mm256_xor_si256(k, _mm256_srli_epi32(k, 24));
  k = _mm256_mullo_epi32(k, m);
  return _mm256_xor_si256(_mm256_mullo_epi32(h, m), k);
}

// 16 bytes of key l in the low half, of key l + 4 in the high half.
SAMSA_AVX2 __m256i loadPair(const uint8_t* b, const int32_t* o, int l) {
  const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + o[l]));
  const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + o[l + 4]));
  return _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
}

// Bytes [at, at + 16) of the eight keys starting at keys + o[0..7], as four
// registers: w[j] holds word j of the chunk, lane l from key l.
SAMSA_AVX2 void loadWords(const uint8_t* keys, const int32_t* o, size_t at, __m256i w[4]) {
  const uint8_t* b = keys + at;
  // Half 0 holds keys 0-3, half 1 keys 4-7: a 4x4 transpose in each half.
  const __m256i r0 = loadPair(b, o, 0), r1 = loadPair(b, o, 1), r2 = loadPair(b, o, 2), r3 = loadPair(b, o, 3);
  const __m256i t0 = _mm256_unpacklo_epi32(r0, r1), t1 = _mm256_unpackhi_epi32(r0, r1);
  const __m256i t2 = _mm256_unpacklo_epi32(r2, r3), t3 = _mm256_unpackhi_epi32(r2, r3);
  w[0] = _mm256_unpacklo_epi64(t0, t2);
  w[1] = _mm256_unpackhi_epi64(t0, t2);
  w[2] = _mm256_unpacklo_epi64(t1, t3);
  w[3] = _mm256_unpackhi_epi64(t1, t3);
}

SAMSA_AVX2 int minLane(__m256i v) {
  __m128i x = _mm_min_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  x = _mm_min_epi32(x, _mm_shuffle_epi32(x, 0x4e));
  x = _mm_min_epi32(x, _mm_shuffle_epi32(x, 0xb1));
  return _mm_cvtsi128_si32(x);
}

SAMSA_AVX2 int maxLane(__m256i v) {
  __m128i x = _mm_max_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  x = _mm_max_epi32(x, _mm_shuffle_epi32(x, 0x4e));
  x = _mm_max_epi32(x, _mm_shuffle_epi32(x, 0xb1));
  return _mm_cvtsi128_si32(x);
}

// (h & 0x7fffffff) % n with doubles, exact for every n in [1, 2^31): for
// x = h & 0x7fffffff < 2^31, p = x * fl(1/n) (rounded) is within x/n * 2^-51.9
// of x/n, less than 1/n away. So trunc(p) is the quotient q, except when x/n
// is exactly q and p falls just below it: then trunc(p) is q - 1 and
// x - trunc(p) * n is n, which the last line turns into 0. Every value stays
// within int32.
SAMSA_AVX2 __m256i partition(__m256i h, __m256d reciprocal, __m256i n) {
  const __m256i x = _mm256_and_si256(h, _mm256_set1_epi32(0x7fffffff));
  const __m128i qLow = _mm256_cvttpd_epi32(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(x)), reciprocal));
  const __m128i qHigh = _mm256_cvttpd_epi32(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(x, 1)), reciprocal));
  const __m256i q = _mm256_inserti128_si256(_mm256_castsi128_si256(qLow), qHigh, 1);
  const __m256i r = _mm256_sub_epi32(x, _mm256_mullo_epi32(q, n));  // in [0, n]
  return _mm256_min_epu32(r, _mm256_sub_epi32(r, n));                  // r - n wraps high unless r == n
}

}  // namespace

__attribute__((target("avx2"))) void murmur2BatchAvx2(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions,
                                                       int32_t* out) {
  const int64_t end = count == 0 ? 0 : offsets[count];
  const __m256d reciprocal = _mm256_set1_pd(numPartitions > 0 ? 1.0 / numPartitions : 0.0);
  const __m256i n = _mm256_set1_epi32(numPartitions);
  const __m256i m = multiplier();
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const int32_t* o = offsets + i;
    const __m256i length = _mm256_sub_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(o + 1)),
                                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(o)));
    const __m256i words = _mm256_srli_epi32(length, 2);
    const int fewest = minLane(words), most = maxLane(words);
    // Chunks of four words, up to and including word `most`, which holds the
    // tail bytes of the longest keys.
    const int64_t chunks = (most >> 2) + 1;
    if (int64_t(o[7]) + 16 * chunks > end) {
      murmur2BatchPortable(keys, o, 8, numPartitions, out + i);
      continue;
    }
    __m256i h = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(kMurmur2Seed)), length);
    __m256i tail = _mm256_setzero_si256();  // each lane's word `words`: its 0-3 tail bytes
    __m256i j = _mm256_setzero_si256();
    for (int64_t c = 0; c < chunks; c++) {
      __m256i w[4];
      loadWords(keys, o, size_t(16 * c), w);
      if (4 * c + 4 <= fewest) {  // every lane has these four words
        h = step(step(step(step(h, w[0]), w[1]), w[2]), w[3]);
        j = _mm256_add_epi32(j, _mm256_set1_epi32(4));
        continue;
      }
      for (int x = 0; x < 4; x++) {
        h = _mm256_blendv_epi8(h, step(h, w[x]), _mm256_cmpgt_epi32(words, j));
        tail = _mm256_blendv_epi8(tail, w[x], _mm256_cmpeq_epi32(words, j));
        j = _mm256_add_epi32(j, _mm256_set1_epi32(1));
      }
    }
    // The low (length & 3) bytes of the tail word, then the final mix.
    const __m256i rest = _mm256_and_si256(length, _mm256_set1_epi32(3));
    const __m256i keep = _mm256_srlv_epi32(_mm256_set1_epi32(-1), _mm256_slli_epi32(_mm256_sub_epi32(_mm256_set1_epi32(4), rest), 3));
    const __m256i mixed = _mm256_mullo_epi32(_mm256_xor_si256(h, _mm256_and_si256(tail, keep)), m);
    h = _mm256_blendv_epi8(h, mixed, _mm256_cmpgt_epi32(rest, _mm256_setzero_si256()));
    h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 13));
    h = _mm256_mullo_epi32(h, m);
    h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 15));
    if (numPartitions > 0) h = partition(h, reciprocal, n);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), h);
  }
  if (i < count) murmur2BatchPortable(keys, offsets + i, count - i, numPartitions, out + i);
}

bool murmur2Avx2Available() { return __builtin_cpu_supports("avx2"); }

}  // namespace samsa

#else

namespace samsa {
void murmur2BatchAvx2(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out) {
  murmur2BatchPortable(keys, offsets, count, numPartitions, out);
}
bool murmur2Avx2Available() { return false; }
}  // namespace samsa

#endif
