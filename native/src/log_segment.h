// One segment of a partition log: <base>.log with record batches exactly as
// received, plus its <base>.index and <base>.timeindex (base = 20-digit
// zero-padded base offset).
// Publication: the writer writes batch bytes, then index entries, then stores
// the segment's size with release ordering; readers load it with acquire and
// never look past it, so they only ever see whole batches.
// Read mappings are shared_ptrs: views handed to JS keep a mapping (and so the
// file's pages) alive after the segment is rolled away, deleted or cut.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "file_io.h"
#include "mapping.h"
#include "offset_index.h"
#include "time_index.h"

namespace samsa {

constexpr const char* kLogSuffix = ".log";
constexpr const char* kIndexSuffix = ".index";
constexpr const char* kTimeIndexSuffix = ".timeindex";
constexpr int kOffsetDigits = 20;

std::string segmentFileName(int64_t baseOffset, const char* suffix);

class LogSegment {
 public:
  // `nameSuffix` follows each file's name: ".cleaned" for a segment the log
  // cleaner builds beside the live ones (never part of a log until renamed).
  LogSegment(const std::string& dir, int64_t baseOffset, int64_t createdMs, const std::string& nameSuffix = "");

  // Opens the three files (creating them when `create`) and maps the indexes.
  void open(bool create);
  int64_t baseOffset() const { return baseOffset_; }
  uint64_t size() const { return size_.load(std::memory_order_acquire); }
  void publishSize(uint64_t bytes) { size_.store(bytes, std::memory_order_release); }
  const File& log() const { return log_; }
  OffsetIndex& offsetIndex() { return offsetIndex_; }
  const OffsetIndex& offsetIndex() const { return offsetIndex_; }
  TimeIndex& timeIndex() { return timeIndex_; }
  const TimeIndex& timeIndex() const { return timeIndex_; }
  const std::string& logPath() const { return logPath_; }

  // Byte position to start walking from to find `offset`: the offset index's
  // answer if the batch header there is plausible, else 0 (a damaged index
  // costs a longer walk, never a wrong batch). `map` must cover `end`.
  uint64_t seekPosition(int64_t offset, const Mapping& map, uint64_t end) const;
  // A read-only mapping covering at least `end` bytes; maps `reserve` bytes
  // when it has to map anew so an active segment is not remapped per append.
  std::shared_ptr<Mapping> readMapping(uint64_t end, uint64_t reserve);

  // Writer bookkeeping after an append of `bytes` at `position`, before the
  // size is published (Kafka's LogSegment.append index rule).
  void recordAppend(uint64_t position, uint64_t bytes, int64_t firstBatchMaxTimestamp, int64_t largestOffset,
                    int64_t maxTimestamp, int64_t offsetOfMaxTimestamp, uint64_t indexIntervalBytes);
  // Clears indexes and statistics before a rebuild scan.
  void resetForRebuild();
  void setNextOffset(int64_t next) { nextOffset_ = next; }
  int64_t nextOffset() const { return nextOffset_; }
  int64_t maxTimestamp() const { return maxTimestamp_.load(std::memory_order_acquire); }
  int64_t offsetOfMaxTimestamp() const { return offsetOfMaxTimestamp_; }
  void setMaxTimestamp(int64_t ts, int64_t offset) {
    offsetOfMaxTimestamp_ = offset;
    maxTimestamp_.store(ts, std::memory_order_release);
  }
  // The newest batch timestamp, or, when no batch carries one (all -1), the
  // .log file's modification time, as Kafka's LogSegment.largestTimestamp:
  // otherwise time retention could never delete such a segment, nor any
  // segment after it.
  int64_t largestTimestamp() const;
  // Elapsed time toward segment.ms, as Kafka measures it: from the first
  // batch's timestamp to the incoming batch's, or from creation when the
  // segment has no timestamped batch.
  int64_t msWaitedForRoll(int64_t nowMs, int64_t incomingMaxTimestamp) const;

  // Active: indexes preallocated. Sealed: final time index entry, indexes cut
  // to their used size.
  void activate(uint64_t indexBytes);
  void seal();
  // Cuts the .log to `bytes` (under the log's exclusive lock). Pages of live
  // views past the cut are detached first so they stay readable.
  void truncateLog(uint64_t bytes);
  void flush() const;
  // Renames the three files to <name><suffix>; the segment goes on with them.
  void renameFiles(const std::string& suffix);
  void removeFiles();
  void close();

 private:
  std::string dir_;
  int64_t baseOffset_;
  int64_t createdMs_;
  std::string logPath_;
  File log_;
  OffsetIndex offsetIndex_;
  TimeIndex timeIndex_;
  std::atomic<uint64_t> size_{0};
  std::mutex mappingMutex_;
  std::shared_ptr<Mapping> readMapping_;
  // Every mapping still referenced by a view, so a cut can detach them all.
  std::vector<std::weak_ptr<Mapping>> liveMappings_;
  // Writer-only state.
  int64_t nextOffset_;
  int64_t firstBatchTimestamp_ = -1;
  uint64_t bytesSinceLastIndexEntry_ = 0;
  std::atomic<int64_t> maxTimestamp_{-1};
  int64_t offsetOfMaxTimestamp_;
};

}  // namespace samsa
