// murmur2 exactly as Kafka's Java client computes it
// (org.apache.kafka.common.utils.Utils.murmur2), so keys land on the same
// partitions as with Java producers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samsa {

int32_t murmur2(const uint8_t* data, size_t length);

// Kafka's Utils.toPositive(murmur2(key)) % numPartitions.
inline int32_t partitionForHash(int32_t hash, int32_t numPartitions) {
  return static_cast<int32_t>((static_cast<uint32_t>(hash) & 0x7fffffffu) % static_cast<uint32_t>(numPartitions));
}

// Hashes keys[offsets[i], offsets[i+1]) for i < count into out[i]: the hash, or
// its partition when numPartitions > 0. Offsets must already be checked
// (non-decreasing, inside the keys buffer).
void murmur2Batch(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out);

}  // namespace samsa
