#include "record_batch.h"

#include "byte_order.h"
#include "crc32c.h"

namespace samsa::batch {

Header parseHeader(const uint8_t* p) {
  Header h;
  h.baseOffset = static_cast<int64_t>(loadBe64(p + kBaseOffsetAt));
  h.batchLength = static_cast<int32_t>(loadBe32(p + kBatchLengthAt));
  h.partitionLeaderEpoch = static_cast<int32_t>(loadBe32(p + kPartitionLeaderEpochAt));
  h.magic = static_cast<int8_t>(p[kMagicAt]);
  h.crc = loadBe32(p + kCrcAt);
  h.attributes = loadBe16(p + kAttributesAt);
  h.lastOffsetDelta = static_cast<int32_t>(loadBe32(p + kLastOffsetDeltaAt));
  h.baseTimestamp = static_cast<int64_t>(loadBe64(p + kBaseTimestampAt));
  h.maxTimestamp = static_cast<int64_t>(loadBe64(p + kMaxTimestampAt));
  h.producerId = static_cast<int64_t>(loadBe64(p + kProducerIdAt));
  h.producerEpoch = static_cast<int16_t>(loadBe16(p + kProducerEpochAt));
  h.baseSequence = static_cast<int32_t>(loadBe32(p + kBaseSequenceAt));
  h.recordCount = static_cast<int32_t>(loadBe32(p + kRecordCountAt));
  return h;
}

Extent parseExtent(const uint8_t* p) {
  Extent e;
  e.baseOffset = static_cast<int64_t>(loadBe64(p + kBaseOffsetAt));
  e.lastOffset = e.baseOffset + static_cast<int32_t>(loadBe32(p + kLastOffsetDeltaAt));
  e.size = kLogOverhead + static_cast<uint32_t>(loadBe32(p + kBatchLengthAt));
  return e;
}

uint32_t computeCrc(const uint8_t* p, size_t size) { return crc32c(p + kAttributesAt, size - kAttributesAt); }

Verdict check(const uint8_t* p, size_t available, bool verifyCrc, Header* out) {
  if (available < kHeaderSize) return Verdict::Truncated;
  Header h = parseHeader(p);
  if (h.batchLength < kMinBatchLength) return Verdict::BadLength;
  if (h.sizeInBytes() > available) return Verdict::Truncated;
  if (h.magic != kMagicV2) return Verdict::BadMagic;
  // A compacted batch may hold fewer records than its offset range (even
  // none); it can never hold more.
  if (h.lastOffsetDelta < 0 || h.recordCount < 0 ||
      static_cast<int64_t>(h.recordCount) > static_cast<int64_t>(h.lastOffsetDelta) + 1) {
    return Verdict::BadRecordCount;
  }
  if (verifyCrc && computeCrc(p, h.sizeInBytes()) != h.crc) return Verdict::BadCrc;
  *out = h;
  return Verdict::Ok;
}

const char* verdictMessage(Verdict v) {
  switch (v) {
    case Verdict::Ok: return "ok";
    case Verdict::Truncated: return "record batch is truncated (batchLength runs past the end of the data)";
    case Verdict::BadLength: return "record batch length is below the v2 header size";
    case Verdict::BadMagic: return "record batch magic is not 2";
    case Verdict::BadCrc: return "record batch CRC-32C does not match its contents";
    case Verdict::BadRecordCount: return "record batch count is inconsistent with its offset range";
  }
  return "unknown";
}

void setBaseOffset(uint8_t* p, int64_t offset) { storeBe64(p + kBaseOffsetAt, static_cast<uint64_t>(offset)); }

void setPartitionLeaderEpoch(uint8_t* p, int32_t epoch) {
  storeBe32(p + kPartitionLeaderEpochAt, static_cast<uint32_t>(epoch));
}

void setLogAppendTime(uint8_t* p, size_t size, int64_t appendTimeMs) {
  uint16_t attributes = loadBe16(p + kAttributesAt) | kTimestampTypeBit;
  storeBe16(p + kAttributesAt, attributes);
  storeBe64(p + kMaxTimestampAt, static_cast<uint64_t>(appendTimeMs));
  storeBe32(p + kCrcAt, computeCrc(p, size));
}

}  // namespace samsa::batch
