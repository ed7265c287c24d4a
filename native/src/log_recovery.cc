// Opening a partition log and recovering it after a crash.
// Contract: every batch below the recovery point was fdatasync'd; batches at
// or past it may be torn or garbled. Segments from the one holding the
// recovery point on are walked batch by batch (size, magic 2, record count,
// CRC-32C, offsets increasing within the segment's range); the log ends at
// the first batch that fails, later segments are deleted, and the indexes of
// every walked segment are rebuilt. Older segments keep their indexes if
// they pass a sanity check, and are walked (and rebuilt) otherwise. The
// segments holding bytes past the recovery point (or cut) are synced before
// the recovery point moves to the end; a clean restart syncs nothing.
#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>

#include "partition_log.h"
#include "storage_failure.h"

namespace samsa {
namespace {

// Kafka leaves these behind mid-operation (deletion, cleaning, swapping);
// none of them is live data.
constexpr const char* kStaleSuffixes[] = {".deleted", ".cleaned", ".swap"};

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "<20 digits><suffix>" -> base offset, or -1.
int64_t parseSegmentName(const std::string& name, const std::string& suffix) {
  if (name.size() != kOffsetDigits + suffix.size() || !endsWith(name, suffix)) return -1;
  for (int i = 0; i < kOffsetDigits; i++) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
  }
  return std::strtoll(name.substr(0, kOffsetDigits).c_str(), nullptr, 10);
}

}  // namespace

std::shared_ptr<PartitionLog> PartitionLog::open(const std::string& dir, const LogConfig& config,
                                                 int64_t recoveryPoint, int64_t logStartOffset, int64_t nowMs) {
  std::shared_ptr<PartitionLog> log(new PartitionLog(dir, config));
  log->recover(recoveryPoint, logStartOffset, nowMs);
  return log;
}

uint64_t indexBatches(LogSegment& segment, int64_t crcFromOffset, int64_t minBaseOffset, int64_t maxOffsetExclusive,
                      uint64_t indexIntervalBytes) {
  const uint64_t fileBytes = segment.log().size();
  if (fileBytes == 0) return 0;
  std::shared_ptr<Mapping> map = Mapping::map(segment.log().fd(), fileBytes, Mapping::Mode::ReadOnlyView, segment.logPath());
  int64_t expected = std::max(segment.baseOffset(), minBaseOffset);
  uint64_t pos = 0;
  while (pos < fileBytes) {
    batch::Header h;
    const uint8_t* p = map->data() + pos;
    if (batch::check(p, fileBytes - pos, false, &h) != batch::Verdict::Ok) break;
    // Batches below the recovery point were fsync'd: their structure is walked, their CRC not recomputed.
    if (h.lastOffset() >= crcFromOffset && batch::check(p, fileBytes - pos, true, &h) != batch::Verdict::Ok) break;
    if (h.baseOffset < expected || h.lastOffset() >= maxOffsetExclusive ||
        h.lastOffset() - segment.baseOffset() > INT32_MAX) {
      break;
    }
    // Each batch counts as its own append: the original grouping is unknown.
    segment.recordAppend(pos, h.sizeInBytes(), h.maxTimestamp, h.lastOffset(), h.maxTimestamp, h.lastOffset(),
                         indexIntervalBytes);
    expected = h.lastOffset() + 1;
    pos += h.sizeInBytes();
  }
  return pos;
}

uint64_t PartitionLog::rebuildSegment(LogSegment& segment, int64_t crcFromOffset, int64_t minBaseOffset,
                                      int64_t maxOffsetExclusive) {
  segment.resetForRebuild();
  const uint64_t fileBytes = segment.log().size();
  const uint64_t pos = indexBatches(segment, crcFromOffset, minBaseOffset, maxOffsetExclusive, config_.indexIntervalBytes);
  const uint64_t cut = fileBytes - pos;
  if (cut > 0) segment.truncateLog(pos);
  segment.publishSize(pos);
  return cut;
}

bool PartitionLog::indexesAreSane(LogSegment& segment, int64_t nextSegmentBase) {
  const uint64_t logBytes = segment.size();
  const IndexFile& times = segment.timeIndex().file();
  if (logBytes == 0) return segment.offsetIndex().file().entries() == 0 && times.entries() == 0;
  if (!segment.offsetIndex().isSane(logBytes)) return false;
  size_t n = segment.offsetIndex().file().entries();
  if (n > 0 && segment.offsetIndex().entry(n - 1).offset >= nextSegmentBase) return false;
  // A sealed, non-empty segment ends with its largest timestamp.
  if (times.entries() == 0 || !segment.timeIndex().isSane(nextSegmentBase)) return false;
  TimeIndex::Entry last = segment.timeIndex().entry(times.entries() - 1);
  segment.setMaxTimestamp(last.timestamp, last.offset);
  segment.setNextOffset(nextSegmentBase);
  return true;
}

void PartitionLog::recover(int64_t recoveryPoint, int64_t logStartOffset, int64_t nowMs) {
  makeDirectory(dir_);
  std::vector<int64_t> bases;
  std::vector<std::string> names = listDirectory(dir_);
  completeSwaps(names);
  for (const std::string& name : names) {
    int64_t base = parseSegmentName(name, kLogSuffix);
    if (base >= 0) bases.push_back(base);
    for (const char* stale : kStaleSuffixes) {
      if (endsWith(name, stale)) removeFile(joinPath(dir_, name));
    }
  }
  std::sort(bases.begin(), bases.end());
  // Index files whose .log is gone belong to nothing.
  for (const std::string& name : names) {
    for (const char* suffix : {kIndexSuffix, kTimeIndexSuffix}) {
      int64_t base = parseSegmentName(name, suffix);
      if (base >= 0 && !std::binary_search(bases.begin(), bases.end(), base)) removeFile(joinPath(dir_, name));
    }
  }

  for (int64_t base : bases) {
    auto segment = std::make_shared<LogSegment>(dir_, base, nowMs);
    segment->open(false);
    segments_.push_back(segment);
  }
  bool createdOrDeleted = false;
  if (segments_.empty()) {
    segments_.push_back(createSegment(std::max<int64_t>(0, logStartOffset), nowMs));
    createdOrDeleted = true;
  }

  // The segment holding the recovery point and every later one are walked.
  size_t firstUnflushed = 0;
  while (firstUnflushed + 1 < segments_.size() && segments_[firstUnflushed + 1]->baseOffset() <= recoveryPoint) {
    firstUnflushed++;
  }
  // Walked segments that hold bytes not known to be on disk: past the recovery
  // point, or cut. A clean restart has none, and skips their fsyncs (three per
  // partition, which add up to seconds with thousands of partitions).
  std::vector<LogSegment*> unsynced;
  for (size_t i = 0; i < segments_.size(); i++) {
    LogSegment& segment = *segments_[i];
    const bool isLast = i + 1 == segments_.size();
    const int64_t nextBase = isLast ? INT64_MAX : segments_[i + 1]->baseOffset();
    if (i < firstUnflushed && indexesAreSane(segment, nextBase)) continue;
    segment.activate(config_.segmentIndexBytes);
    const int64_t minBase = i == 0 ? segment.baseOffset() : segments_[i - 1]->nextOffset();
    const uint64_t cut = rebuildSegment(segment, recoveryPoint, minBase, nextBase);
    recovery_.segmentsScanned++;
    recovery_.indexesRebuilt += i < firstUnflushed ? 1 : 0;
    recovery_.bytesTruncated += cut;
    if (cut > 0 || segment.nextOffset() > recoveryPoint) unsynced.push_back(&segment);
    if (cut > 0 && !isLast) {
      // The log ends inside this segment: nothing after it can be trusted.
      for (size_t j = segments_.size() - 1; j > i; j--) {
        recovery_.bytesTruncated += segments_[j]->size();
        segments_[j]->removeFiles();
        recovery_.segmentsDeleted++;
      }
      segments_.resize(i + 1);
      createdOrDeleted = true;
    }
    if (i + 1 < segments_.size()) segment.seal();
  }

  LogSegment& active = *segments_.back();
  active.activate(config_.segmentIndexBytes);
  int64_t end = active.size() == 0 ? active.baseOffset() : active.nextOffset();
  int64_t start = std::max(logStartOffset, segments_.front()->baseOffset());
  if (start > end) {
    // The checkpointed start lies past what survived: begin an empty log there.
    for (auto& s : segments_) s->removeFiles();
    segments_.clear();
    unsynced.clear();
    segments_.push_back(createSegment(start, nowMs));
    end = start;
    createdOrDeleted = true;
  }
  logStartOffset_.store(start, std::memory_order_release);
  logEndOffset_.store(end, std::memory_order_release);
  size_t below = 0;
  while (below + 1 < segments_.size() && segments_[below + 1]->baseOffset() <= start) below++;
  if (below > 0) {
    for (size_t k = 0; k < below; k++) {
      unsynced.erase(std::remove(unsynced.begin(), unsynced.end(), segments_[k].get()), unsynced.end());
    }
    deleteSegments(below);
    createdOrDeleted = true;
  }
  for (LogSegment* s : unsynced) s->flush();
  if (createdOrDeleted) {
    segments_.back()->flush();
    syncDirectory(dir_);
  }
  recoveryPoint_.store(end, std::memory_order_release);
}

}  // namespace samsa
