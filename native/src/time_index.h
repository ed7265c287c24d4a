// The .timeindex file of a segment: Kafka's sparse time index.
// Format: 12-byte big-endian entries (int64 timestamp, int32 offset relative
// to the segment's base offset); both non-decreasing. An entry is added with
// each offset-index entry when the largest timestamp seen so far grew, and a
// final one when the segment rolls or closes, so the last entry of a sealed
// segment holds its largest timestamp.
// Durability: as the offset index (rebuilt by recovery scans, sanity-checked
// for older segments).
#pragma once

#include <cstdint>
#include <string>

#include "index_file.h"

namespace samsa {

class TimeIndex {
 public:
  static constexpr size_t kEntrySize = 12;

  TimeIndex(const std::string& path, int64_t baseOffset) : file_(path, kEntrySize), baseOffset_(baseOffset) {}

  struct Entry {
    int64_t timestamp;
    int64_t offset;
  };

  // Largest entry with timestamp <= ts, or {-1, baseOffset} when none.
  Entry lookup(int64_t ts) const;
  Entry entry(size_t i) const;
  // Appends when the index is empty or `ts` is above the last timestamp.
  void maybeAppend(int64_t ts, int64_t offset);
  void truncateFrom(int64_t offset);
  bool isSane(int64_t nextOffset) const;

  IndexFile& file() { return file_; }
  const IndexFile& file() const { return file_; }

 private:
  IndexFile file_;
  int64_t baseOffset_;
};

}  // namespace samsa
