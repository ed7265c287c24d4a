#include "record_walk.h"

namespace samsa::batch {
namespace {

// A zigzag varint of at most `maxBytes` bytes (5 for int32, 10 for int64).
// Returns false when the bytes end first or the varint is longer.
inline bool readVarint(const uint8_t*& p, const uint8_t* end, int maxBytes, int64_t* out) {
  // Nearly every varint in a record is one or two bytes (lengths under 8 KiB).
  if (end - p >= 2) {
    uint64_t b0 = p[0];
    uint64_t raw;
    if (b0 < 0x80) {
      raw = b0;
      p += 1;
    } else if (p[1] < 0x80) {
      raw = (b0 & 0x7f) | (uint64_t(p[1]) << 7);
      p += 2;
    } else {
      goto slow;
    }
    *out = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
    return true;
  }
slow:
  uint64_t raw = 0;
  for (int i = 0; i < maxBytes; i++) {
    if (p == end) return false;
    uint8_t b = *p++;
    raw |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *out = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
      return true;
    }
  }
  return false;
}

inline bool readInt32Varint(const uint8_t*& p, const uint8_t* end, int64_t* out) {
  return readVarint(p, end, 5, out) && *out >= INT32_MIN && *out <= INT32_MAX;
}

// Skips a length-prefixed field; -1 is null. Kafka reads any other negative
// length as null too, but no client writes one and not every client would
// read it back the same way: it is refused.
inline bool skipBytes(const uint8_t*& p, const uint8_t* end, bool nullable, bool* wasNull = nullptr) {
  int64_t n;
  if (!readInt32Varint(p, end, &n)) return false;
  if (wasNull != nullptr) *wasNull = n == -1;
  if (n == -1 && nullable) return true;
  if (n < 0 || n > end - p) return false;
  p += n;
  return true;
}

// One record's body, [p, end): attributes, timestamp delta, offset delta,
// key, value, headers.
const char* bodyProblem(const uint8_t* p, const uint8_t* end, bool keyedOnly) {
  int64_t v;
  if (p == end) return "record body is empty";
  p++;  // attributes
  if (!readVarint(p, end, 10, &v)) return "record timestamp delta is not a varint within the record";
  if (!readInt32Varint(p, end, &v)) return "record offset delta is not a varint within the record";
  bool nullKey = false;
  if (!skipBytes(p, end, true, &nullKey)) return "record key length runs past the record";
  if (nullKey && keyedOnly) return "record has no key, which a compacted topic requires";
  if (!skipBytes(p, end, true)) return "record value length runs past the record";
  int64_t headers;
  if (!readInt32Varint(p, end, &headers) || headers < 0) return "record header count is not a count";
  // Each header takes at least two bytes: a cap before the loop, so a huge count costs nothing.
  if (headers > (end - p) / 2) return "record header count is larger than the record";
  for (int64_t h = 0; h < headers; h++) {
    if (!skipBytes(p, end, false)) return "record header key length runs past the record";
    if (!skipBytes(p, end, true)) return "record header value length runs past the record";
  }
  if (p != end) return "record fields end before its stated length";
  return nullptr;
}

}  // namespace

bool walkRecords(const uint8_t* p, size_t size, int32_t count, bool keyedOnly, RecordsProblem* problem) {
  const uint8_t* end = p + size;
  for (int32_t i = 0; i < count; i++) {
    int64_t length;
    if (!readInt32Varint(p, end, &length)) {
      *problem = {p == end ? "fewer records than the batch's record count" : "record length is not a varint", i};
      return false;
    }
    if (length <= 0 || length > end - p) {
      *problem = {"record length runs past the batch", i};
      return false;
    }
    if (const char* what = bodyProblem(p, p + length, keyedOnly)) {
      *problem = {what, i};
      return false;
    }
    p += length;
  }
  if (p != end) {
    *problem = {"bytes follow the batch's last record", count};
    return false;
  }
  return true;
}

}  // namespace samsa::batch
