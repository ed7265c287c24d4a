#include "time_index.h"

#include "byte_order.h"

namespace samsa {

TimeIndex::Entry TimeIndex::entry(size_t i) const {
  const uint8_t* p = file_.entryAt(i);
  return Entry{static_cast<int64_t>(loadBe64(p)), baseOffset_ + static_cast<int32_t>(loadBe32(p + 8))};
}

TimeIndex::Entry TimeIndex::lookup(int64_t ts) const {
  size_t lo = 0, hi = file_.entries();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (entry(mid).timestamp <= ts) lo = mid + 1; else hi = mid;
  }
  if (lo == 0) return Entry{-1, baseOffset_};
  return entry(lo - 1);
}

void TimeIndex::maybeAppend(int64_t ts, int64_t offset) {
  size_t n = file_.entries();
  if (n > 0) {
    Entry last = entry(n - 1);
    if (ts <= last.timestamp || offset < last.offset) return;
  }
  uint8_t e[kEntrySize];
  storeBe64(e, static_cast<uint64_t>(ts));
  storeBe32(e + 8, static_cast<uint32_t>(offset - baseOffset_));
  file_.append(e);
}

void TimeIndex::truncateFrom(int64_t offset) {
  size_t n = file_.entries();
  while (n > 0 && entry(n - 1).offset >= offset) n--;
  file_.setEntries(n);
}

bool TimeIndex::isSane(int64_t nextOffset) const {
  if (file_.fileBytes() % kEntrySize != 0) return false;
  size_t n = file_.entries();
  int64_t prevTs = INT64_MIN, prevOffset = baseOffset_;
  for (size_t i = 0; i < n; i++) {
    const uint8_t* p = file_.entryAt(i);
    if (static_cast<int32_t>(loadBe32(p + 8)) < 0) return false;
    Entry e = entry(i);
    if (e.timestamp < prevTs || e.offset < prevOffset || e.offset >= nextOffset) return false;
    prevTs = e.timestamp;
    prevOffset = e.offset;
  }
  return true;
}

}  // namespace samsa
