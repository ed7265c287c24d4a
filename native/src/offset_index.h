// The .index file of a segment: Kafka's sparse offset index.
// Format: 8-byte big-endian entries (int32 offset relative to the segment's
// base offset, int32 byte position of a batch in the .log). An entry is added
// when more than index.interval.bytes were appended since the previous one;
// its offset is the largest offset of that append and its position the
// append's first byte, so offsets strictly increase and positions increase.
// Durability: never trusted after a crash for segments at or past the
// recovery point (rebuilt by the scan); for older segments it is
// sanity-checked on open and rebuilt if the check fails.
#pragma once

#include <cstdint>
#include <string>

#include "index_file.h"

namespace samsa {

class OffsetIndex {
 public:
  static constexpr size_t kEntrySize = 8;

  OffsetIndex(const std::string& path, int64_t baseOffset) : file_(path, kEntrySize), baseOffset_(baseOffset) {}

  struct Entry {
    int64_t offset;
    uint64_t position;
  };

  // Largest entry with offset <= target, or {baseOffset, 0} when none.
  Entry lookup(int64_t target) const;
  Entry entry(size_t i) const;
  void append(int64_t offset, uint64_t position);
  // Drops entries whose offset is >= `offset`.
  void truncateFrom(int64_t offset);
  // Offsets strictly increasing, positions increasing and below logBytes.
  bool isSane(uint64_t logBytes) const;

  IndexFile& file() { return file_; }
  const IndexFile& file() const { return file_; }

 private:
  IndexFile file_;
  int64_t baseOffset_;
};

}  // namespace samsa
