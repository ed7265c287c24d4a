#include "offset_index.h"

#include "byte_order.h"

namespace samsa {

OffsetIndex::Entry OffsetIndex::entry(size_t i) const {
  const uint8_t* p = file_.entryAt(i);
  return Entry{baseOffset_ + static_cast<int32_t>(loadBe32(p)), loadBe32(p + 4)};
}

OffsetIndex::Entry OffsetIndex::lookup(int64_t target) const {
  size_t lo = 0, hi = file_.entries();  // first entry with offset > target
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (entry(mid).offset <= target) lo = mid + 1; else hi = mid;
  }
  if (lo == 0) return Entry{baseOffset_, 0};
  return entry(lo - 1);
}

void OffsetIndex::append(int64_t offset, uint64_t position) {
  uint8_t e[kEntrySize];
  storeBe32(e, static_cast<uint32_t>(offset - baseOffset_));
  storeBe32(e + 4, static_cast<uint32_t>(position));
  file_.append(e);
}

void OffsetIndex::truncateFrom(int64_t offset) {
  size_t n = file_.entries();
  while (n > 0 && entry(n - 1).offset >= offset) n--;
  file_.setEntries(n);
}

bool OffsetIndex::isSane(uint64_t logBytes) const {
  size_t n = file_.entries();
  if (file_.fileBytes() % kEntrySize != 0) return false;
  int64_t prevOffset = baseOffset_ - 1;
  uint64_t prevPosition = 0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t* p = file_.entryAt(i);
    int32_t rel = static_cast<int32_t>(loadBe32(p));
    Entry e = entry(i);
    if (rel < 0 || e.offset <= prevOffset || e.position >= logBytes || (i > 0 && e.position <= prevPosition)) return false;
    prevOffset = e.offset;
    prevPosition = e.position;
  }
  return true;
}

}  // namespace samsa
