// Record batch v2 (magic 2) header: field positions, parsing, validation and
// the in-place edits a broker makes (offsets, leader epoch, LogAppendTime).
// Layout (big-endian):
//   0 baseOffset i64 | 8 batchLength i32 (bytes after this field)
//   12 partitionLeaderEpoch i32 | 16 magic i8 | 17 crc u32 (CRC-32C of 21..end)
//   21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64
//   35 maxTimestamp i64 | 43 producerId i64 | 51 producerEpoch i16
//   53 baseSequence i32 | 57 recordCount i32 | 61 records
// baseOffset and partitionLeaderEpoch lie before the CRC'd range, so they are
// patched without recomputing the CRC.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samsa::batch {

constexpr size_t kBaseOffsetAt = 0;
constexpr size_t kBatchLengthAt = 8;
constexpr size_t kPartitionLeaderEpochAt = 12;
constexpr size_t kMagicAt = 16;
constexpr size_t kCrcAt = 17;
constexpr size_t kAttributesAt = 21;
constexpr size_t kLastOffsetDeltaAt = 23;
constexpr size_t kBaseTimestampAt = 27;
constexpr size_t kMaxTimestampAt = 35;
constexpr size_t kProducerIdAt = 43;
constexpr size_t kProducerEpochAt = 51;
constexpr size_t kBaseSequenceAt = 53;
constexpr size_t kRecordCountAt = 57;
constexpr size_t kHeaderSize = 61;
// baseOffset + batchLength: the part of a batch not counted by batchLength.
constexpr size_t kLogOverhead = 12;
constexpr int32_t kMinBatchLength = static_cast<int32_t>(kHeaderSize - kLogOverhead);
constexpr int8_t kMagicV2 = 2;

constexpr uint16_t kCompressionMask = 0x07;
constexpr uint16_t kTimestampTypeBit = 0x08;
constexpr uint16_t kTransactionalBit = 0x10;
constexpr uint16_t kControlBit = 0x20;

struct Header {
  int64_t baseOffset;
  int32_t batchLength;
  int32_t partitionLeaderEpoch;
  int8_t magic;
  uint32_t crc;
  uint16_t attributes;
  int32_t lastOffsetDelta;
  int64_t baseTimestamp;
  int64_t maxTimestamp;
  int64_t producerId;
  int16_t producerEpoch;
  int32_t baseSequence;
  int32_t recordCount;

  size_t sizeInBytes() const { return kLogOverhead + static_cast<size_t>(batchLength); }
  int64_t lastOffset() const { return baseOffset + lastOffsetDelta; }
};

// Requires kHeaderSize readable bytes.
Header parseHeader(const uint8_t* p);

// The fields a log needs to walk batches: offsets and size (27 bytes).
struct Extent {
  int64_t baseOffset;
  int64_t lastOffset;
  size_t size;
};
constexpr size_t kExtentSize = kLastOffsetDeltaAt + 4;
Extent parseExtent(const uint8_t* p);

enum class Verdict {
  Ok,
  Truncated,       // fewer bytes than the header or than batchLength says
  BadLength,       // batchLength below the minimum
  BadMagic,
  BadCrc,
  BadRecordCount,  // negative count, negative lastOffsetDelta, or count > deltas
};

// Checks one batch at p with `available` bytes from p on. On Ok, *out holds
// the header. verifyCrc=false skips the checksum (header-only walks).
Verdict check(const uint8_t* p, size_t available, bool verifyCrc, Header* out);
const char* verdictMessage(Verdict v);

uint32_t computeCrc(const uint8_t* p, size_t size);
void setBaseOffset(uint8_t* p, int64_t offset);
void setPartitionLeaderEpoch(uint8_t* p, int32_t epoch);
// Kafka's DefaultRecordBatch.setMaxTimestamp(LOG_APPEND_TIME, t): sets the
// timestamp-type bit and maxTimestamp, recomputes the CRC; baseTimestamp is
// left as the producer wrote it (consumers use maxTimestamp for every record
// of a LogAppendTime batch).
void setLogAppendTime(uint8_t* p, size_t size, int64_t appendTimeMs);

}  // namespace samsa::batch
