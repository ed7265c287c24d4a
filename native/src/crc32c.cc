#include "crc32c.h"

namespace samsa {

uint32_t crc32c(const uint8_t* data, size_t length) {
  // Decided once per process; the value never changes after initialisation.
  static const bool hardware = crc32cHardwareAvailable();
  return hardware ? crc32cHardware(data, length) : crc32cPortable(data, length);
}

}  // namespace samsa
