// murmur2 exactly as Kafka's Java client computes it
// (org.apache.kafka.common.utils.Utils.murmur2), so keys land on the same
// partitions as with Java producers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samsa {

constexpr uint32_t kMurmur2Seed = 0x9747b28cu;
constexpr uint32_t kMurmur2Multiplier = 0x5bd1e995u;

int32_t murmur2(const uint8_t* data, size_t length);

// Kafka's Utils.toPositive(murmur2(key)) % numPartitions.
inline int32_t partitionForHash(int32_t hash, int32_t numPartitions) {
  return static_cast<int32_t>((static_cast<uint32_t>(hash) & 0x7fffffffu) % static_cast<uint32_t>(numPartitions));
}

// Hashes keys[offsets[i], offsets[i+1]) for i < count into out[i]: the hash, or
// its partition when numPartitions > 0. Offsets must already be checked
// (non-decreasing, inside the keys buffer). Runs the fastest kernel the CPU
// has (AVX-512, AVX2, portable), chosen once per process. Every kernel reads
// only keys[offsets[0], offsets[count]).
void murmur2Batch(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out);

// The kernels, for tests and benchmarks. The SIMD ones are only valid when
// their *Available() is true.
enum class Murmur2Kernel { kPortable, kAvx2, kAvx512 };
bool murmur2KernelAvailable(Murmur2Kernel kernel);
void murmur2BatchWith(Murmur2Kernel kernel, const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out);

void murmur2BatchPortable(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out);
void murmur2BatchAvx2(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out);
bool murmur2Avx2Available();
void murmur2BatchAvx512(const uint8_t* keys, const int32_t* offsets, size_t count, int32_t numPartitions, int32_t* out);
bool murmur2Avx512Available();

}  // namespace samsa
