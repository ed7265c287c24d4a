#include "murmur2.h"

namespace samsa {
namespace {
constexpr uint32_t kSeed = 0x9747b28cu;
constexpr uint32_t kMultiplier = 0x5bd1e995u;
constexpr int kShift = 24;
}  // namespace

int32_t murmur2(const uint8_t* data, size_t length) {
  // Java's int arithmetic wraps; uint32_t gives the same bits without UB.
  uint32_t h = kSeed ^ static_cast<uint32_t>(length);
  const size_t length4 = length / 4;
  for (size_t i = 0; i < length4; i++) {
    const uint8_t* p = data + i * 4;
    uint32_t k = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    k *= kMultiplier;
    k ^= k >> kShift;
    k *= kMultiplier;
    h *= kMultiplier;
    h ^= k;
  }
  const uint8_t* tail = data + (length & ~size_t(3));
  switch (length % 4) {
    case 3:
      h ^= uint32_t(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= uint32_t(tail[0]);
      h *= kMultiplier;
  }
  h ^= h >> 13;
  h *= kMultiplier;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

}  // namespace samsa
