// Hardware CRC-32C with the SSE4.2 crc32 instruction. Only this function is
// compiled for SSE4.2 (target attribute), so the addon still loads on CPUs
// without it; crc32c.cc calls it only after a cpuid check.
#include "crc32c.h"

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>

#include <cstring>

namespace samsa {

__attribute__((target("sse4.2"))) uint32_t crc32cHardware(const uint8_t* p, size_t n) {
  uint64_t crc = 0xFFFFFFFFu;
  // Three independent streams would hide the instruction's 3-cycle latency,
  // but one stream already runs at several GB/s, far above disk speed.
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    crc = _mm_crc32_u64(crc, word);
    p += 8;
    n -= 8;
  }
  uint32_t c = static_cast<uint32_t>(crc);
  while (n--) c = _mm_crc32_u8(c, *p++);
  return c ^ 0xFFFFFFFFu;
}

bool crc32cHardwareAvailable() { return __builtin_cpu_supports("sse4.2"); }

}  // namespace samsa

#else

namespace samsa {
uint32_t crc32cHardware(const uint8_t* p, size_t n) { return crc32cPortable(p, n); }
bool crc32cHardwareAvailable() { return false; }
}  // namespace samsa

#endif
