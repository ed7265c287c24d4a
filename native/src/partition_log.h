// A partition log: the segments of one <topic>-<partition> directory.
// Threads: one writer at a time (append, flush, truncate, advanceLogStart,
// close serialise on writerMutex_); readers on any thread. The segment list
// changes only under the exclusive side of segmentsMutex_ (roll, delete,
// truncate, close); readers hold the shared side while they look up and walk
// batches, and leave with views that own their mapping. Log end offset and
// segment sizes are published with release after the bytes are written.
// Offsets: appended (log end offset) >= flushed (recovery point): data below
// the recovery point has been fdatasync'd and survives a machine crash.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "file_io.h"
#include "log_segment.h"
#include "mapping.h"
#include "record_batch.h"
#include "segment_deleter.h"
#include "segment_flusher.h"

namespace samsa {

struct LogConfig {
  uint64_t segmentBytes;
  int64_t segmentMs;
  uint64_t segmentIndexBytes;
  uint64_t indexIntervalBytes;
};

struct AppendOptions {
  bool assignOffsets;    // leader: offsets from the log end; follower: keep the batches' offsets
  bool setLeaderEpoch;
  int32_t leaderEpoch;
  bool logAppendTime;
  int64_t nowMs;
  bool durable;          // fdatasync before returning
  bool keyedOnly;        // every record must have a key (a compacted topic's leader append)
};

struct AppendResult {
  int64_t baseOffset;
  int64_t lastOffset;
  int64_t logAppendTime;  // -1 unless LogAppendTime
  int64_t maxTimestamp;
  int64_t offsetOfMaxTimestamp;
  uint32_t batches;
  uint64_t bytes;
  uint64_t records;
  bool rolled;
};

struct View {
  std::shared_ptr<Mapping> mapping;
  const uint8_t* data;
  size_t length;
};

struct ReadResult {
  std::vector<View> views;
  int64_t firstOffset;  // base offset of the first batch returned
  int64_t nextOffset;   // last offset returned + 1 (the start offset when nothing was returned)
  uint64_t bytes;
};

struct SegmentInfo {
  int64_t baseOffset;
  uint64_t bytes;
  int64_t maxTimestamp;
  // What time retention goes by (Kafka's LogSegment.largestTimestamp).
  int64_t largestTimestamp;
};

struct RecoveryReport {
  uint32_t segmentsScanned;
  uint64_t bytesTruncated;
  uint32_t segmentsDeleted;
  uint32_t indexesRebuilt;
};

// One group of the log cleaner's output (PartitionLog::replaceSegmentGroups).
struct SegmentSwap {
  int64_t firstBase = 0;
  int64_t endOffset = 0;
  std::vector<std::pair<int64_t, uint64_t>> expected;
  std::string cleanedPath;
};

class PartitionLog {
 public:
  // Opens (creating the directory when missing) and recovers: segments from
  // the one holding `recoveryPoint` on are scanned batch by batch (size, magic,
  // CRC, offsets); the log is cut at the first bad batch; their indexes are
  // rebuilt; older segments' indexes are sanity-checked and rebuilt if bad.
  static std::shared_ptr<PartitionLog> open(const std::string& dir, const LogConfig& config, int64_t recoveryPoint,
                                            int64_t logStartOffset, int64_t nowMs);
  ~PartitionLog();

  AppendResult append(uint8_t* data, size_t length, const AppendOptions& options);
  ReadResult read(int64_t offset, uint64_t maxBytes, int64_t maxOffsetExclusive) const;
  // First batch whose maxTimestamp >= ts: {baseOffset (>= log start), maxTimestamp}; {-1,-1} if none.
  std::pair<int64_t, int64_t> offsetForTimestamp(int64_t ts) const;
  std::vector<batch::Header> scanBatches(int64_t from, uint32_t maxBatches) const;
  std::vector<SegmentInfo> segments() const;

  int64_t logStartOffset() const { return logStartOffset_.load(std::memory_order_acquire); }
  int64_t logEndOffset() const { return logEndOffset_.load(std::memory_order_acquire); }
  int64_t recoveryPoint() const { return recoveryPoint_.load(std::memory_order_acquire); }
  const RecoveryReport& recoveryReport() const { return recovery_; }
  const std::string& dir() const { return dir_; }
  bool isClosed() const { return closed_.load(std::memory_order_acquire); }

  // fdatasync everything appended; advances the recovery point.
  void flush();
  // Removes every batch containing an offset >= `offset`; returns the new log end.
  int64_t truncateTo(int64_t offset);
  // Advances the log start offset to `offset` (if higher) and deletes the
  // non-active segments wholly below it. Returns the number deleted.
  uint32_t advanceLogStart(int64_t offset);
  // Swaps cleaned segments in, each for the sealed segments it was made from:
  // those whose bases lie in [firstBase, endOffset), where endOffset is the
  // base of the segment after them. `expected` holds their (base, size) as the
  // cleaner read them; where any differs (retention or truncation got there
  // first) that cleaned file is dropped and its answer is false. Crash-safe by
  // rename order: every <cleaned> -> <firstBase>.<endOffset>.swap (a complete
  // result from here on), one directory sync, then old segments removed ->
  // <firstBase>.log, one directory sync; recovery finishes a swap it finds.
  // See swapFileName. A cleaned file indexed by indexCleanedSegment goes in by
  // renames alone; one without its indexes beside it is checked and indexed
  // here, under the locks. A file that is not a whole log throws before
  // anything is swapped, and every cleaned file is dropped.
  std::vector<bool> replaceSegmentGroups(const std::vector<SegmentSwap>& swaps);
  void close();
  void injectWriteFault(int err, int64_t bytesBeforeFailure);

 private:
  PartitionLog(std::string dir, const LogConfig& config)
      : dir_(std::move(dir)), config_(config), flusher_([this](int64_t upTo) { advanceRecoveryPoint(upTo); }) {}
  void advanceRecoveryPoint(int64_t upTo);
  void recover(int64_t recoveryPoint, int64_t logStartOffset, int64_t nowMs);
  // Recovery's first step: finishes every replacement whose .swap file exists.
  void completeSwaps(std::vector<std::string>& names);
  // Walks the segment from byte 0, rebuilding its indexes and statistics, and
  // cuts it at the first malformed batch; batches holding offsets at or past
  // crcFromOffset must also pass their CRC. Returns bytes cut.
  uint64_t rebuildSegment(LogSegment& segment, int64_t crcFromOffset, int64_t minBaseOffset, int64_t maxOffsetExclusive);
  bool indexesAreSane(LogSegment& segment, int64_t nextSegmentBase);
  void roll(int64_t baseOffset, int64_t nowMs);
  std::shared_ptr<LogSegment> createSegment(int64_t baseOffset, int64_t nowMs);
  size_t segmentIndexFor(int64_t offset) const;  // under segmentsMutex_
  void ensureOpen() const;
  void deleteSegments(size_t count);             // the first `count`, under the exclusive lock

  const std::string dir_;
  const LogConfig config_;
  mutable std::mutex writerMutex_;
  mutable std::shared_mutex segmentsMutex_;
  std::vector<std::shared_ptr<LogSegment>> segments_;
  std::atomic<int64_t> logStartOffset_{0};
  std::atomic<int64_t> logEndOffset_{0};
  std::atomic<int64_t> recoveryPoint_{0};
  std::atomic<bool> closed_{false};
  WriteFault writeFault_;
  SegmentDeleter deleter_;
  // Declared last: destroyed (its thread joined) before the segments it syncs.
  SegmentFlusher flusher_;
  RecoveryReport recovery_{};
};

// Walks a segment's .log from byte 0, adding index entries and statistics as
// its appends would have (an offset index entry every indexIntervalBytes), up
// to the first malformed batch or one outside [max(base, minBaseOffset),
// maxOffsetExclusive); batches holding offsets at or past crcFromOffset must
// also pass their CRC. Returns the bytes walked (the whole file when sound).
uint64_t indexBatches(LogSegment& segment, int64_t crcFromOffset, int64_t minBaseOffset, int64_t maxOffsetExclusive,
                      uint64_t indexIntervalBytes);

// The log cleaner's half of a swap, on the cleaner's own thread: the cleaned
// file <firstBase>.log.cleaned (written and fsync'd) is checked to be whole
// CRC-valid v2 batches with increasing offsets in [firstBase, endOffset), and
// its indexes are written beside it (<firstBase>.index.cleaned,
// <firstBase>.timeindex.cleaned), sealed and fsync'd, so that the swap, which
// holds the log's locks on the thread serving it, is renames and two
// directory syncs. Throws StorageFailure (CorruptBatch) for a file that is
// not whole, removing the indexes.
void indexCleanedSegment(const std::string& dir, int64_t firstBase, int64_t endOffset, uint64_t indexIntervalBytes,
                         uint64_t indexBytes);

}  // namespace samsa
