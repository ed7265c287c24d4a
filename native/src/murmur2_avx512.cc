// murmur2 batch kernel with AVX-512 (F, BW, VL): sixteen keys at a time, one
// key per 32-bit lane. Only these functions are compiled for AVX-512 (target
// attribute), so the addon still loads on CPUs without it; murmur2.cc calls
// them only after a cpuid check.
//
// The same scheme as the AVX2 kernel (murmur2_avx2.cc): 16 bytes of each key
// are loaded at a time and transposed so that register j holds word j of all
// sixteen keys, and lanes whose key has fewer whole words keep their hash
// through a mask. Plain 16-byte loads may run past a key into the following
// keys' bytes, never past offsets[count]; a group whose loads would, and the
// last count % 16 keys, use byte-masked loads that touch only each key's own
// bytes (masked-off bytes are neither read nor faulted on).
#include "murmur2.h"

#if defined(__x86_64__) || defined(__i386__)
// GCC 12's AVX-512 headers hand the builtins a deliberately undefined vector
// (_mm512_undefined_epi32), which -Wmaybe-uninitialized reports at each use.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

namespace samsa {
namespace {

#define SAMSA_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl"), always_inline)) inline

SAMSA_AVX512 __m512i multiplier() { return _mm512_set1_epi32(static_cast<int>(kMurmur2Multiplier)); }

SAMSA_AVX512 __m512i mixWord(__m512i k) {
  const __m512i m = multiplier();
  k = _mm512_mullo_epi32(k, m);
  k = _mm512_xor_si512(k, _mm512_srli_epi32(k, 24));
  return _mm512_mullo_epi32(k, m);
}

// One word of every lane: h = h * m ^ mix(k).
SAMSA_AVX512 __m512i step(__m512i h, __m512i k) { return _mm512_xor_si512(_mm512_mullo_epi32(h, multiplier()), mixWord(k)); }

// The same for the lanes in `active`; the others keep h.
SAMSA_AVX512 __m512i stepSome(__m512i h, __m512i k, __mmask16 active) {
  return _mm512_mask_xor_epi32(h, active, _mm512_mullo_epi32(h, multiplier()), mixWord(k));
}

// 16 bytes of keys l, l + 4, l + 8 and l + 12, one per 128-bit quarter.
SAMSA_AVX512 __m512i loadRow(const uint8_t* b, const int32_t* o, int l) {
  __m512i r = _mm512_castsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + o[l])));
  r = _mm512_inserti32x4(r, _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + o[l + 4])), 1);
  r = _mm512_inserti32x4(r, _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + o[l + 8])), 2);
  r = _mm512_inserti32x4(r, _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + o[l + 12])), 3);
  return r;
}

// Bytes [at, at + 16) of key l, those past its end (or of a lane >= lanes) as
// zeros, without reading them.
SAMSA_AVX512 __m128i loadOwnBytes(const uint8_t* keys, const int32_t* o, size_t lanes, int l, int64_t at) {
  if (size_t(l) >= lanes) return _mm_setzero_si128();
  const int64_t left = int64_t(o[l + 1]) - o[l] - at;
  if (left <= 0) return _mm_setzero_si128();
  const __mmask16 bytes = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
  return _mm_maskz_loadu_epi8(bytes, keys + o[l] + at);
}

SAMSA_AVX512 __m512i loadRowOwnBytes(const uint8_t* keys, const int32_t* o, size_t lanes, int l, int64_t at) {
  __m512i r = _mm512_castsi128_si512(loadOwnBytes(keys, o, lanes, l, at));
  r = _mm512_inserti32x4(r, loadOwnBytes(keys, o, lanes, l + 4, at), 1);
  r = _mm512_inserti32x4(r, loadOwnBytes(keys, o, lanes, l + 8, at), 2);
  r = _mm512_inserti32x4(r, loadOwnBytes(keys, o, lanes, l + 12, at), 3);
  return r;
}

// Rows r0..r3 (quarter q of row l: key 4q + l) to words: w[j] holds word j of
// the chunk, lane l from key l. A 4x4 transpose in each 128-bit quarter.
SAMSA_AVX512 void transpose(__m512i r0, __m512i r1, __m512i r2, __m512i r3, __m512i w[4]) {
  const __m512i t0 = _mm512_unpacklo_epi32(r0, r1), t1 = _mm512_unpackhi_epi32(r0, r1);
  const __m512i t2 = _mm512_unpacklo_epi32(r2, r3), t3 = _mm512_unpackhi_epi32(r2, r3);
  w[0] = _mm512_unpacklo_epi64(t0, t2);
  w[1] = _mm512_unpackhi_epi64(t0, t2);
  w[2] = _mm512_unpacklo_epi64(t1, t3);
  w[3] = _mm512_unpackhi_epi64(t1, t3);
}

SAMSA_AVX512 int minLane(__m512i v) {
  const __m256i y = _mm256_min_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
  __m128i x = _mm_min_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  x = _mm_min_epi32(x, _mm_shuffle_epi32(x, 0x4e));
  x = _mm_min_epi32(x, _mm_shuffle_epi32(x, 0xb1));
  return _mm_cvtsi128_si32(x);
}

SAMSA_AVX512 int maxLane(__m512i v) {
  const __m256i y = _mm256_max_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
  __m128i x = _mm_max_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  x = _mm_max_epi32(x, _mm_shuffle_epi32(x, 0x4e));
  x = _mm_max_epi32(x, _mm_shuffle_epi32(x, 0xb1));
  return _mm_cvtsi128_si32(x);
}

// (h & 0x7fffffff) % n with doubles, exact for every n in [1, 2^31): see
// partition() in murmur2_avx2.cc.
SAMSA_AVX512 __m512i partition(__m512i h, __m512d reciprocal, __m512i n) {
  const __m512i x = _mm512_and_si512(h, _mm512_set1_epi32(0x7fffffff));
  const __m256i qLow = _mm512_cvttpd_epi32(_mm512_mul_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(x)), reciprocal));
  const __m256i qHigh = _mm512_cvttpd_epi32(_mm512_mul_pd(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(x, 1)), reciprocal));
  const __m512i q = _mm512_inserti64x4(_mm512_castsi256_si512(qLow), qHigh, 1);
  const __m512i r = _mm512_sub_epi32(x, _mm512_mullo_epi32(q, n));  // in [0, n]
  return _mm512_min_epu32(r, _mm512_sub_epi32(r, n));                  // r - n wraps high unless r == n
}

}  // namespace

__attribute__((target("avx512f,avx512bw,avx512vl"))) void murmur2BatchAvx512(const uint8_t* keys, const int32_t* offsets, size_t count,
                                                                             int32_t numPartitions, int32_t* out) {
  const int64_t end = count == 0 ? 0 : offsets[count];
  const __m512d reciprocal = _mm512_set1_pd(numPartitions > 0 ? 1.0 / numPartitions : 0.0);
  const __m512i n = _mm512_set1_epi32(numPartitions);
  const __m512i m = multiplier();
  for (size_t i = 0; i < count; i += 16) {
    const int32_t* o = offsets + i;
    const size_t lanes = count - i < 16 ? count - i : 16;
    const __mmask16 live = __mmask16((1u << lanes) - 1);
    // Lanes past the last key have length 0 and read nothing.
    const __m512i length = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(live, o + 1), _mm512_maskz_loadu_epi32(live, o));
    const __m512i words = _mm512_srli_epi32(length, 2);
    const int fewest = minLane(words), most = maxLane(words);
    // Chunks of four words, up to and including word `most`, which holds the
    // tail bytes of the longest keys.
    const int64_t chunks = (most >> 2) + 1;
    const bool plainLoads = lanes == 16 && int64_t(o[15]) + 16 * chunks <= end;
    __m512i h = _mm512_xor_si512(_mm512_set1_epi32(static_cast<int>(kMurmur2Seed)), length);
    __m512i tail = _mm512_setzero_si512();  // each lane's word `words`: its 0-3 tail bytes
    __m512i j = _mm512_setzero_si512();
    for (int64_t c = 0; c < chunks; c++) {
      __m512i w[4];
      if (__builtin_expect(plainLoads, 1)) {
        const uint8_t* b = keys + 16 * c;
        transpose(loadRow(b, o, 0), loadRow(b, o, 1), loadRow(b, o, 2), loadRow(b, o, 3), w);
      } else {
        transpose(loadRowOwnBytes(keys, o, lanes, 0, 16 * c), loadRowOwnBytes(keys, o, lanes, 1, 16 * c),
                  loadRowOwnBytes(keys, o, lanes, 2, 16 * c), loadRowOwnBytes(keys, o, lanes, 3, 16 * c), w);
      }
      if (4 * c + 4 <= fewest) {  // every lane has these four words
        h = step(step(step(step(h, w[0]), w[1]), w[2]), w[3]);
        j = _mm512_add_epi32(j, _mm512_set1_epi32(4));
        continue;
      }
      for (int x = 0; x < 4; x++) {
        h = stepSome(h, w[x], _mm512_cmpgt_epi32_mask(words, j));
        tail = _mm512_mask_mov_epi32(tail, _mm512_cmpeq_epi32_mask(words, j), w[x]);
        j = _mm512_add_epi32(j, _mm512_set1_epi32(1));
      }
    }
    // The low (length & 3) bytes of the tail word, then the final mix.
    const __m512i rest = _mm512_and_si512(length, _mm512_set1_epi32(3));
    const __m512i keep = _mm512_srlv_epi32(_mm512_set1_epi32(-1), _mm512_slli_epi32(_mm512_sub_epi32(_mm512_set1_epi32(4), rest), 3));
    h = _mm512_mask_mullo_epi32(h, _mm512_test_epi32_mask(rest, rest), _mm512_xor_si512(h, _mm512_and_si512(tail, keep)), m);
    h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 13));
    h = _mm512_mullo_epi32(h, m);
    h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 15));
    if (numPartitions > 0) h = partition(h, reciprocal, n);
    _mm512_mask_storeu_epi32(out + i, live, h);
  }
}

bool murmur2Avx512Available() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

}  // namespace samsa

#else

namespace samsa {
void murmur2BatchAvx512(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out) {
  murmur2BatchPortable(keys, offsets, count, numPartitions, out);
}
bool murmur2Avx512Available() { return false; }
}  // namespace samsa

#endif
