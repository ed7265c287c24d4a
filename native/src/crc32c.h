// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
// record batches v2. crc32c() picks the SSE4.2 instruction when the CPU has
// it and the portable slicing-by-8 path otherwise; both are exposed so tests
// can check one against the other.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samsa {

uint32_t crc32c(const uint8_t* data, size_t length);
uint32_t crc32cPortable(const uint8_t* data, size_t length);
// Only valid when crc32cHardwareAvailable() is true.
uint32_t crc32cHardware(const uint8_t* data, size_t length);
bool crc32cHardwareAvailable();

}  // namespace samsa
