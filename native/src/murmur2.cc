#include "murmur2.h"

#include <cstring>

namespace samsa {
namespace {
constexpr uint32_t kSeed = kMurmur2Seed;
constexpr uint32_t kMultiplier = kMurmur2Multiplier;
constexpr int kShift = 24;

// Little-endian 4-byte load, as Java assembles the word byte by byte.
inline uint32_t word(const uint8_t* p) {
  uint32_t k;
  std::memcpy(&k, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  k = __builtin_bswap32(k);
#endif
  return k;
}

inline uint32_t step(uint32_t h, const uint8_t* p) {
  uint32_t k = word(p) * kMultiplier;
  k ^= k >> kShift;
  return (h * kMultiplier) ^ (k * kMultiplier);
}

// The 1-3 bytes after the last whole word, and the final mix. Written without
// branches: key lengths vary, and a mispredicted tail costs more than the hash.
inline uint32_t finish(uint32_t h, const uint8_t* tail, size_t rest) {
  const uint32_t b0 = rest >= 1 ? tail[0] : 0;
  const uint32_t b1 = rest >= 2 ? tail[1] : 0;
  const uint32_t b2 = rest >= 3 ? tail[2] : 0;
  const uint32_t mixed = (h ^ (b2 << 16) ^ (b1 << 8) ^ b0) * kMultiplier;
  h = rest != 0 ? mixed : h;
  h ^= h >> 13;
  h *= kMultiplier;
  h ^= h >> 15;
  return h;
}

inline uint32_t hash(const uint8_t* data, size_t length) {
  // Java's int arithmetic wraps; uint32_t gives the same bits without UB.
  uint32_t h = kSeed ^ static_cast<uint32_t>(length);
  const size_t words = length >> 2;
  for (size_t j = 0; j < words; j++) h = step(h, data + 4 * j);
  return finish(h, data + 4 * words, length & 3);
}

// Four keys at once: each key's hash is one long multiply chain, so hashing four
// side by side keeps the multiplier busy while each chain waits on its latency.
template <typename Store>
inline void hash4(const uint8_t* keys, const int32_t* off, Store store) {
  const uint8_t* p0 = keys + off[0];
  const uint8_t* p1 = keys + off[1];
  const uint8_t* p2 = keys + off[2];
  const uint8_t* p3 = keys + off[3];
  const size_t l0 = size_t(off[1] - off[0]), l1 = size_t(off[2] - off[1]), l2 = size_t(off[3] - off[2]), l3 = size_t(off[4] - off[3]);
  uint32_t h0 = kSeed ^ uint32_t(l0), h1 = kSeed ^ uint32_t(l1), h2 = kSeed ^ uint32_t(l2), h3 = kSeed ^ uint32_t(l3);
  const size_t w0 = l0 >> 2, w1 = l1 >> 2, w2 = l2 >> 2, w3 = l3 >> 2;
  size_t common = w0 < w1 ? w0 : w1;
  common = common < w2 ? common : w2;
  common = common < w3 ? common : w3;
  for (size_t j = 0; j < common; j++) {
    h0 = step(h0, p0 + 4 * j);
    h1 = step(h1, p1 + 4 * j);
    h2 = step(h2, p2 + 4 * j);
    h3 = step(h3, p3 + 4 * j);
  }
  for (size_t j = common; j < w0; j++) h0 = step(h0, p0 + 4 * j);
  for (size_t j = common; j < w1; j++) h1 = step(h1, p1 + 4 * j);
  for (size_t j = common; j < w2; j++) h2 = step(h2, p2 + 4 * j);
  for (size_t j = common; j < w3; j++) h3 = step(h3, p3 + 4 * j);
  store(0, finish(h0, p0 + 4 * w0, l0 & 3));
  store(1, finish(h1, p1 + 4 * w1, l1 & 3));
  store(2, finish(h2, p2 + 4 * w2, l2 & 3));
  store(3, finish(h3, p3 + 4 * w3, l3 & 3));
}

// x % d without a division (Lemire's fastmod; exact for 32-bit x and d).
struct FastMod {
  uint64_t m;
  uint32_t d;
  explicit FastMod(uint32_t divisor) : m(UINT64_MAX / divisor + 1), d(divisor) {}
  uint32_t operator()(uint32_t x) const {
    const uint64_t low = m * x;
    return static_cast<uint32_t>((static_cast<unsigned __int128>(low) * d) >> 64);
  }
};
}  // namespace

int32_t murmur2(const uint8_t* data, size_t length) { return static_cast<int32_t>(hash(data, length)); }

void murmur2BatchPortable(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out) {
  size_t i = 0;
  if (numPartitions <= 0) {
    for (; i + 4 <= count; i += 4) hash4(keys, offsets + i, [&](size_t lane, uint32_t h) { out[i + lane] = static_cast<int32_t>(h); });
    for (; i < count; i++) out[i] = static_cast<int32_t>(hash(keys + offsets[i], size_t(offsets[i + 1] - offsets[i])));
    return;
  }
  const FastMod mod(static_cast<uint32_t>(numPartitions));
  for (; i + 4 <= count; i += 4) hash4(keys, offsets + i, [&](size_t lane, uint32_t h) { out[i + lane] = static_cast<int32_t>(mod(h & 0x7fffffffu)); });
  for (; i < count; i++) out[i] = static_cast<int32_t>(mod(hash(keys + offsets[i], size_t(offsets[i + 1] - offsets[i])) & 0x7fffffffu));
}

bool murmur2KernelAvailable(Murmur2Kernel kernel) {
  switch (kernel) {
    case Murmur2Kernel::kPortable: return true;
    case Murmur2Kernel::kAvx2: return murmur2Avx2Available();
    case Murmur2Kernel::kAvx512: return murmur2Avx512Available();
  }
  return false;
}

void murmur2BatchWith(Murmur2Kernel kernel, const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out) {
  switch (kernel) {
    case Murmur2Kernel::kAvx512: return murmur2BatchAvx512(keys, offsets, count, numPartitions, out);
    case Murmur2Kernel::kAvx2: return murmur2BatchAvx2(keys, offsets, count, numPartitions, out);
    case Murmur2Kernel::kPortable: break;
  }
  murmur2BatchPortable(keys, offsets, count, numPartitions, out);
}

void murmur2Batch(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out) {
  // Decided once per process, as crc32c() does.
  static const Murmur2Kernel best = murmur2Avx512Available() ? Murmur2Kernel::kAvx512
                                    : murmur2Avx2Available() ? Murmur2Kernel::kAvx2
                                                             : Murmur2Kernel::kPortable;
  murmur2BatchWith(best, keys, offsets, count, numPartitions, out);
}

}  // namespace samsa
