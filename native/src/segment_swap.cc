// Swapping cleaned segments in (log compaction) and finishing a swap a crash
// interrupted. The order of renames is the whole of the crash safety:
//   1. <base>.log.cleaned   written and fsync'd by the cleaner; incomplete
//                           until renamed, so recovery deletes it.
//   2. <base>.<end>.swap    renamed from it: from here on the cleaned result
//                           is the truth for offsets [base, end) and recovery
//                           completes the swap (step 3 and 4) when it finds it.
//   3. the old segments whose bases lie in [base, end) renamed .deleted (and
//                           removed by the log's deleter thread).
//   4. <base>.log           renamed from the swap file, and its indexes from
//                           <base>.index.cleaned and <base>.timeindex.cleaned
//                           (written by the cleaner, indexCleanedSegment);
//                           recovery deletes those (.cleaned) and rebuilds
//                           what is missing.
// Kafka names the swap file <base>.log.swap and infers the range it replaces
// from its last offset; a cleaned segment whose last batches were all removed
// ends early, so the range is written into the name instead.
#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "partition_log.h"
#include "storage_failure.h"

namespace samsa {
namespace {

constexpr const char* kSwapSuffix = ".swap";
constexpr const char* kCleanedSuffix = ".cleaned";

std::string cleanedName(int64_t base, const char* suffix) { return segmentFileName(base, suffix) + kCleanedSuffix; }

std::string swapFileName(int64_t firstBase, int64_t endOffset) {
  char name[2 * kOffsetDigits + 8];
  std::snprintf(name, sizeof name, "%020lld.%020lld%s", static_cast<long long>(firstBase),
                static_cast<long long>(endOffset), kSwapSuffix);
  return name;
}

bool allDigits(const std::string& s, size_t from, size_t count) {
  for (size_t i = from; i < from + count; i++) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "<20 digits>.<20 digits>.swap" -> {base, end}; false for anything else.
bool parseSwapFileName(const std::string& name, int64_t* base, int64_t* end) {
  const size_t suffix = std::char_traits<char>::length(kSwapSuffix);
  if (name.size() != 2 * kOffsetDigits + 1 + suffix || name[kOffsetDigits] != '.' ||
      name.compare(2 * kOffsetDigits + 1, suffix, kSwapSuffix) != 0 || !allDigits(name, 0, kOffsetDigits) ||
      !allDigits(name, kOffsetDigits + 1, kOffsetDigits)) {
    return false;
  }
  *base = std::strtoll(name.substr(0, kOffsetDigits).c_str(), nullptr, 10);
  *end = std::strtoll(name.substr(kOffsetDigits + 1, kOffsetDigits).c_str(), nullptr, 10);
  return *base < *end;
}

// "<20 digits><suffix>" for one of the segment suffixes -> base offset, or -1.
int64_t segmentBaseOf(const std::string& name) {
  for (const char* suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix}) {
    const size_t n = std::char_traits<char>::length(suffix);
    if (name.size() == kOffsetDigits + n && name.compare(kOffsetDigits, n, suffix) == 0 && allDigits(name, 0, kOffsetDigits)) {
      return std::strtoll(name.substr(0, kOffsetDigits).c_str(), nullptr, 10);
    }
  }
  return -1;
}

// The cleaned file holds whole, CRC-valid v2 batches with increasing offsets
// in [firstBase, endOffset): anything else would be cut by the index rebuild,
// so it is never swapped in.
bool cleanedFileIsWhole(const std::string& path, int64_t firstBase, int64_t endOffset) {
  File file = File::open(path, false);
  file.syncData();
  const uint64_t bytes = file.size();
  if (bytes == 0) return true;
  std::shared_ptr<Mapping> map = Mapping::map(file.fd(), bytes, Mapping::Mode::ReadOnlyView, path);
  int64_t next = firstBase;
  uint64_t pos = 0;
  while (pos < bytes) {
    batch::Header h;
    if (batch::check(map->data() + pos, bytes - pos, true, &h) != batch::Verdict::Ok) return false;
    if (h.baseOffset < next || h.lastOffset() >= endOffset || h.lastOffset() - firstBase > INT32_MAX) return false;
    next = h.lastOffset() + 1;
    pos += h.sizeInBytes();
  }
  return true;
}

}  // namespace

void indexCleanedSegment(const std::string& dir, int64_t firstBase, int64_t endOffset, uint64_t indexIntervalBytes,
                         uint64_t indexBytes) {
  // Whatever a failed attempt left is rebuilt, never reused.
  removeFile(joinPath(dir, cleanedName(firstBase, kIndexSuffix)));
  removeFile(joinPath(dir, cleanedName(firstBase, kTimeIndexSuffix)));
  LogSegment segment(dir, firstBase, 0, kCleanedSuffix);
  bool whole = false;
  try {
    segment.open(false);
    segment.activate(indexBytes);
    const uint64_t bytes = segment.size();
    whole = indexBatches(segment, INT64_MIN, firstBase, endOffset, indexIntervalBytes) == bytes;
    if (whole) {
      segment.seal();
      segment.flush();
    }
  } catch (...) {
    segment.close();
    removeFile(joinPath(dir, cleanedName(firstBase, kIndexSuffix)));
    removeFile(joinPath(dir, cleanedName(firstBase, kTimeIndexSuffix)));
    throw;
  }
  segment.close();
  if (!whole) {
    removeFile(joinPath(dir, cleanedName(firstBase, kIndexSuffix)));
    removeFile(joinPath(dir, cleanedName(firstBase, kTimeIndexSuffix)));
    throw StorageFailure(ErrorCode::CorruptBatch, "cleaned segment " + segment.logPath() + " is not a whole log of offsets [" +
                                                      std::to_string(firstBase) + ", " + std::to_string(endOffset) + ")");
  }
}

void PartitionLog::completeSwaps(std::vector<std::string>& names) {
  bool changed = false;
  for (const std::string& name : names) {
    int64_t base = 0, end = 0;
    if (!parseSwapFileName(name, &base, &end)) continue;
    for (const std::string& other : names) {
      int64_t b = segmentBaseOf(other);
      if (b >= base && b < end) removeFile(joinPath(dir_, other));
    }
    renameFile(joinPath(dir_, name), joinPath(dir_, segmentFileName(base, kLogSuffix)));
    changed = true;
  }
  if (!changed) return;
  syncDirectory(dir_);
  names = listDirectory(dir_);
}

std::vector<bool> PartitionLog::replaceSegmentGroups(const std::vector<SegmentSwap>& swaps) {
  const auto indexPath = [&](const SegmentSwap& s) { return joinPath(dir_, cleanedName(s.firstBase, kIndexSuffix)); };
  const auto timeIndexPath = [&](const SegmentSwap& s) { return joinPath(dir_, cleanedName(s.firstBase, kTimeIndexSuffix)); };
  const auto dropCleaned = [&](const SegmentSwap& s) {
    removeFile(s.cleanedPath);
    removeFile(indexPath(s));
    removeFile(timeIndexPath(s));
  };
  std::vector<bool> indexed(swaps.size());
  for (size_t i = 0; i < swaps.size(); i++) {
    const SegmentSwap& s = swaps[i];
    indexed[i] = fileExists(indexPath(s)) && fileExists(timeIndexPath(s));
    if (!indexed[i] && !cleanedFileIsWhole(s.cleanedPath, s.firstBase, s.endOffset)) {
      for (const SegmentSwap& d : swaps) dropCleaned(d);
      throw StorageFailure(ErrorCode::CorruptBatch, "cleaned segment " + s.cleanedPath + " is not a whole log of offsets [" +
                                                         std::to_string(s.firstBase) + ", " + std::to_string(s.endOffset) + ")");
    }
  }
  std::lock_guard<std::mutex> writer(writerMutex_);
  ensureOpen();
  const auto position = [&](int64_t base) {
    size_t first = 0;
    while (first < segments_.size() && segments_[first]->baseOffset() != base) first++;
    return first;
  };
  std::vector<bool> done(swaps.size(), false);
  bool any = false;
  for (size_t i = 0; i < swaps.size(); i++) {
    const SegmentSwap& sw = swaps[i];
    const size_t first = position(sw.firstBase);
    // The replaced segments, unchanged since the cleaner read them, and sealed:
    // a segment follows them, and it starts at endOffset.
    bool same = first + sw.expected.size() < segments_.size() && !sw.expected.empty();
    for (size_t k = 0; same && k < sw.expected.size(); k++) {
      const LogSegment& s = *segments_[first + k];
      same = s.baseOffset() == sw.expected[k].first && s.size() == sw.expected[k].second;
    }
    if (same) same = segments_[first + sw.expected.size()]->baseOffset() == sw.endOffset;
    if (!same) {
      dropCleaned(sw);
      continue;
    }
    done[i] = any = true;
  }
  if (!any) return done;
  flusher_.drain();
  for (size_t i = 0; i < swaps.size(); i++) {
    if (done[i]) renameFile(swaps[i].cleanedPath, joinPath(dir_, swapFileName(swaps[i].firstBase, swaps[i].endOffset)));
  }
  syncDirectory(dir_);
  {
    std::unique_lock<std::shared_mutex> lock(segmentsMutex_);
    for (size_t i = 0; i < swaps.size(); i++) {
      if (!done[i]) continue;
      const SegmentSwap& sw = swaps[i];
      const size_t first = position(sw.firstBase);
      // Renamed .deleted here, closed and unlinked on the deleter's thread;
      // views handed out keep their mappings (and so the files' pages).
      for (size_t k = 0; k < sw.expected.size(); k++) deleter_.retire(segments_[first + k]);
      renameFile(joinPath(dir_, swapFileName(sw.firstBase, sw.endOffset)), joinPath(dir_, segmentFileName(sw.firstBase, kLogSuffix)));
      if (indexed[i]) {
        renameFile(indexPath(sw), joinPath(dir_, segmentFileName(sw.firstBase, kIndexSuffix)));
        renameFile(timeIndexPath(sw), joinPath(dir_, segmentFileName(sw.firstBase, kTimeIndexSuffix)));
      }
      // Its creation time only matters to segment.ms, which is for the active segment.
      auto cleaned = std::make_shared<LogSegment>(dir_, sw.firstBase, 0);
      cleaned->open(false);
      // Indexes written by the cleaner were checked as they were made; the
      // check here is recovery's, and a failing one (never expected) costs a
      // rebuild.
      if (!indexed[i] || !indexesAreSane(*cleaned, sw.endOffset)) {
        cleaned->activate(config_.segmentIndexBytes);
        const int64_t minBase = first == 0 ? sw.firstBase : segments_[first - 1]->nextOffset();
        rebuildSegment(*cleaned, INT64_MAX, std::max(minBase, sw.firstBase), sw.endOffset);
        cleaned->seal();
        cleaned->flush();
      }
      segments_.erase(segments_.begin() + first, segments_.begin() + first + sw.expected.size());
      segments_.insert(segments_.begin() + first, cleaned);
    }
  }
  // Readers go on meanwhile: the renames are in place, only their durability is awaited.
  syncDirectory(dir_);
  return done;
}

}  // namespace samsa
