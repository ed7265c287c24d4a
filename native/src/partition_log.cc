// Append, read, roll, flush, truncate and delete for a partition log; opening
// and crash recovery live in log_recovery.cc.
#include "partition_log.h"

#include <algorithm>
#include <chrono>
#include <climits>

#include "byte_order.h"
#include "log_registry.h"
#include "record_walk.h"
#include "storage_failure.h"

namespace samsa {
namespace {

// Offsets travel to JavaScript as doubles.
constexpr int64_t kMaxSafeOffset = (int64_t(1) << 53) - 1;

int64_t wallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

[[noreturn]] void throwBadBatch(batch::Verdict v, size_t position) {
  ErrorCode code = ErrorCode::CorruptBatch;
  switch (v) {
    case batch::Verdict::BadMagic: code = ErrorCode::InvalidMagic; break;
    case batch::Verdict::BadLength:
    case batch::Verdict::Truncated: code = ErrorCode::InvalidBatchSize; break;
    case batch::Verdict::BadRecordCount: code = ErrorCode::InvalidRecordCount; break;
    default: break;
  }
  throw StorageFailure(code, std::string(batch::verdictMessage(v)) + " (batch at byte " + std::to_string(position) + ")");
}

}  // namespace

PartitionLog::~PartitionLog() {
  try {
    close();
  } catch (...) {
    // Destruction cannot report; an explicit close() would have.
  }
}

void PartitionLog::ensureOpen() const {
  if (closed_.load(std::memory_order_acquire)) throw StorageFailure(ErrorCode::Closed, "partition log " + dir_ + " is closed");
}

size_t PartitionLog::segmentIndexFor(int64_t offset) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](int64_t o, const std::shared_ptr<LogSegment>& s) { return o < s->baseOffset(); });
  return it == segments_.begin() ? 0 : static_cast<size_t>(it - segments_.begin()) - 1;
}

std::shared_ptr<LogSegment> PartitionLog::createSegment(int64_t baseOffset, int64_t nowMs) {
  auto segment = std::make_shared<LogSegment>(dir_, baseOffset, nowMs);
  segment->open(true);
  if (segment->size() != 0) {
    throw StorageFailure(ErrorCode::IoError, "segment " + segment->logPath() + " already exists and is not empty");
  }
  segment->activate(config_.segmentIndexBytes);
  return segment;
}

void PartitionLog::roll(int64_t baseOffset, int64_t nowMs) {
  std::shared_ptr<LogSegment> previous = segments_.back();
  std::shared_ptr<LogSegment> next = createSegment(baseOffset, nowMs);
  {
    std::unique_lock<std::shared_mutex> lock(segmentsMutex_);
    previous->seal();
    segments_.push_back(next);
  }
  syncDirectory(dir_);
  // Kafka flushes a rolled segment (off the append path) so the recovery
  // point can move past it and a restart scans only the active segment.
  flusher_.enqueue(previous, baseOffset);
}

void PartitionLog::advanceRecoveryPoint(int64_t upTo) {
  int64_t current = recoveryPoint_.load(std::memory_order_acquire);
  while (current < upTo && !recoveryPoint_.compare_exchange_weak(current, upTo, std::memory_order_acq_rel)) {
  }
}

AppendResult PartitionLog::append(uint8_t* data, size_t length, const AppendOptions& options) {
  std::lock_guard<std::mutex> writer(writerMutex_);
  ensureOpen();
  if (length == 0) throw StorageFailure(ErrorCode::InvalidBatchSize, "append of zero bytes");

  // Pass 1: validate everything before touching the log or the buffer.
  AppendResult r{};
  r.logAppendTime = -1;
  r.maxTimestamp = -1;
  const int64_t logEnd = logEndOffset();
  int64_t expected = logEnd;
  int64_t offsetSpan = 0;
  int64_t incomingMaxTimestamp = -1;
  for (size_t pos = 0; pos < length;) {
    batch::Header h;
    batch::Verdict v = batch::check(data + pos, length - pos, true, &h);
    if (v != batch::Verdict::Ok) throwBadBatch(v, pos);
    if (options.assignOffsets) {
      if (h.recordCount == 0 || h.recordCount != h.lastOffsetDelta + 1) throwBadBatch(batch::Verdict::BadRecordCount, pos);
    } else if (h.baseOffset < expected) {
      throw StorageFailure(ErrorCode::InvalidOffset, "batch base offset " + std::to_string(h.baseOffset) +
                                                         " is below the next expected offset " + std::to_string(expected));
    } else {
      expected = h.lastOffset() + 1;
    }
    offsetSpan += int64_t(h.lastOffsetDelta) + 1;
    incomingMaxTimestamp = std::max(incomingMaxTimestamp, h.maxTimestamp);
    r.batches++;
    // The CRC vouches for the bytes, not for what they hold: records that do
    // not parse would stop every consumer of the partition. Compressed
    // payloads are walked after decompression, before the append.
    batch::RecordsProblem problem;
    if ((h.attributes & batch::kCompressionMask) == 0 &&
        !batch::walkRecords(data + pos + batch::kHeaderSize, h.sizeInBytes() - batch::kHeaderSize, h.recordCount, options.keyedOnly, &problem)) {
      throw StorageFailure(ErrorCode::InvalidRecords, std::string(problem.what) + " (record " + std::to_string(problem.record) + " of " +
                                                          std::to_string(h.recordCount) + ", batch at byte " + std::to_string(pos) + ")");
    }
    r.records += static_cast<uint64_t>(h.recordCount);
    pos += h.sizeInBytes();
  }
  const int64_t firstOffset = options.assignOffsets ? logEnd : static_cast<int64_t>(loadBe64(data));
  const int64_t lastOffset = options.assignOffsets ? logEnd + offsetSpan - 1 : expected - 1;
  if (lastOffset > kMaxSafeOffset) throw StorageFailure(ErrorCode::InvalidOffset, "offset would pass 2^53-1");
  if (options.logAppendTime) incomingMaxTimestamp = options.nowMs;

  // Roll before writing when the active segment cannot take this append.
  LogSegment* active = segments_.back().get();
  if (active->size() > 0 &&
      (active->size() + length > config_.segmentBytes ||
       active->msWaitedForRoll(options.nowMs, incomingMaxTimestamp) > config_.segmentMs ||
       active->offsetIndex().file().isFull() || active->timeIndex().file().isFull() ||
       lastOffset - active->baseOffset() > INT32_MAX)) {
    roll(firstOffset, options.nowMs);
    active = segments_.back().get();
    r.rolled = true;
  }

  // Pass 2: assign offsets and timestamps in place (no copy of the records).
  int64_t next = firstOffset;
  int64_t firstBatchMaxTimestamp = -1;
  r.offsetOfMaxTimestamp = firstOffset;
  for (size_t pos = 0; pos < length;) {
    uint8_t* p = data + pos;
    size_t size = batch::kLogOverhead + loadBe32(p + batch::kBatchLengthAt);
    int32_t delta = static_cast<int32_t>(loadBe32(p + batch::kLastOffsetDeltaAt));
    int64_t base = options.assignOffsets ? next : static_cast<int64_t>(loadBe64(p));
    if (options.assignOffsets) batch::setBaseOffset(p, base);
    if (options.setLeaderEpoch) batch::setPartitionLeaderEpoch(p, options.leaderEpoch);
    if (options.logAppendTime) batch::setLogAppendTime(p, size, options.nowMs);
    int64_t maxTs = static_cast<int64_t>(loadBe64(p + batch::kMaxTimestampAt));
    if (pos == 0) firstBatchMaxTimestamp = maxTs;
    if (maxTs > r.maxTimestamp) {
      r.maxTimestamp = maxTs;
      r.offsetOfMaxTimestamp = base + delta;
    }
    next = base + delta + 1;
    pos += size;
  }

  const uint64_t position = active->size();
  try {
    writeAt(active->log(), data, length, position, &writeFault_);
  } catch (const StorageFailure&) {
    // Nothing was published; cut whatever part of the append reached the file.
    try {
      active->log().truncate(position);
    } catch (const StorageFailure&) {
      // The bytes past the published size are never read and are cut by recovery.
    }
    throw;
  }
  active->recordAppend(position, length, firstBatchMaxTimestamp, lastOffset, r.maxTimestamp, r.offsetOfMaxTimestamp,
                       config_.indexIntervalBytes);
  active->publishSize(position + length);
  logEndOffset_.store(lastOffset + 1, std::memory_order_release);

  if (options.durable) {
    active->log().syncData();
    recoveryPoint_.store(lastOffset + 1, std::memory_order_release);
  }
  r.baseOffset = firstOffset;
  r.lastOffset = lastOffset;
  r.bytes = length;
  if (options.logAppendTime) r.logAppendTime = options.nowMs;
  return r;
}

ReadResult PartitionLog::read(int64_t offset, uint64_t maxBytes, int64_t maxOffsetExclusive) const {
  std::shared_lock<std::shared_mutex> lock(segmentsMutex_);
  ensureOpen();
  const int64_t start = logStartOffset();
  const int64_t end = logEndOffset();
  if (offset < start || offset > end) {
    throw StorageFailure(ErrorCode::OffsetOutOfRange, "offset " + std::to_string(offset) + " is outside the log [" +
                                                          std::to_string(start) + ", " + std::to_string(end) + "]");
  }
  ReadResult r{{}, offset, offset, 0};
  if (offset == end || offset >= maxOffsetExclusive) return r;
  bool done = false;
  for (size_t i = segmentIndexFor(offset); i < segments_.size() && !done; i++) {
    LogSegment& segment = *segments_[i];
    const uint64_t segmentEnd = segment.size();
    if (segmentEnd == 0) continue;
    const bool isActive = i + 1 == segments_.size();
    std::shared_ptr<Mapping> map = segment.readMapping(segmentEnd, isActive ? std::max(config_.segmentBytes, segmentEnd) : segmentEnd);
    const uint8_t* base = map->data();
    uint64_t pos = segment.seekPosition(offset, *map, segmentEnd);
    uint64_t runStart = pos;
    bool inRun = false;
    while (pos + batch::kExtentSize <= segmentEnd) {
      batch::Extent e = batch::parseExtent(base + pos);
      if (e.size < batch::kHeaderSize || pos + e.size > segmentEnd) break;  // cannot happen for validated data
      if (e.lastOffset < offset) {
        pos += e.size;
        continue;
      }
      if (e.lastOffset >= maxOffsetExclusive || (r.bytes > 0 && r.bytes + e.size > maxBytes)) {
        done = true;
        break;
      }
      if (!inRun) {
        inRun = true;
        runStart = pos;
        if (r.views.empty()) r.firstOffset = e.baseOffset;
      }
      r.bytes += e.size;
      r.nextOffset = e.lastOffset + 1;
      pos += e.size;
    }
    if (inRun) r.views.push_back(View{map, base + runStart, static_cast<size_t>(pos - runStart)});
  }
  return r;
}

std::pair<int64_t, int64_t> PartitionLog::offsetForTimestamp(int64_t ts) const {
  std::shared_lock<std::shared_mutex> lock(segmentsMutex_);
  ensureOpen();
  const int64_t start = logStartOffset();
  for (size_t i = segmentIndexFor(start); i < segments_.size(); i++) {
    LogSegment& segment = *segments_[i];
    if (segment.maxTimestamp() < ts) continue;
    const uint64_t segmentEnd = segment.size();
    int64_t from = std::max(segment.timeIndex().lookup(ts).offset, start);
    if (segmentEnd == 0) continue;
    std::shared_ptr<Mapping> map = segment.readMapping(segmentEnd, segmentEnd);
    uint64_t pos = segment.seekPosition(from, *map, segmentEnd);
    while (pos + batch::kHeaderSize <= segmentEnd) {
      batch::Header h = batch::parseHeader(map->data() + pos);
      if (h.sizeInBytes() < batch::kHeaderSize) break;
      if (h.lastOffset() >= start && h.maxTimestamp >= ts) return {std::max(h.baseOffset, start), h.maxTimestamp};
      pos += h.sizeInBytes();
    }
  }
  return {-1, -1};
}

std::vector<batch::Header> PartitionLog::scanBatches(int64_t from, uint32_t maxBatches) const {
  std::shared_lock<std::shared_mutex> lock(segmentsMutex_);
  ensureOpen();
  const int64_t start = logStartOffset();
  const int64_t end = logEndOffset();
  if (from < start || from > end) {
    throw StorageFailure(ErrorCode::OffsetOutOfRange, "offset " + std::to_string(from) + " is outside the log [" +
                                                          std::to_string(start) + ", " + std::to_string(end) + "]");
  }
  std::vector<batch::Header> out;
  for (size_t i = segmentIndexFor(from); i < segments_.size() && out.size() < maxBatches; i++) {
    LogSegment& segment = *segments_[i];
    const uint64_t segmentEnd = segment.size();
    if (segmentEnd == 0) continue;
    std::shared_ptr<Mapping> map = segment.readMapping(segmentEnd, segmentEnd);
    uint64_t pos = segment.seekPosition(from, *map, segmentEnd);
    while (pos + batch::kHeaderSize <= segmentEnd && out.size() < maxBatches) {
      batch::Header h = batch::parseHeader(map->data() + pos);
      if (h.sizeInBytes() < batch::kHeaderSize) break;
      if (h.lastOffset() >= from) out.push_back(h);
      pos += h.sizeInBytes();
    }
  }
  return out;
}

std::vector<SegmentInfo> PartitionLog::segments() const {
  std::shared_lock<std::shared_mutex> lock(segmentsMutex_);
  ensureOpen();
  std::vector<SegmentInfo> out;
  out.reserve(segments_.size());
  for (const auto& s : segments_) out.push_back(SegmentInfo{s->baseOffset(), s->size(), s->maxTimestamp(), s->largestTimestamp()});
  return out;
}

void PartitionLog::flush() {
  std::lock_guard<std::mutex> writer(writerMutex_);
  ensureOpen();
  const int64_t end = logEndOffset();
  flusher_.drain();
  segments_.back()->flush();
  advanceRecoveryPoint(end);
}

void PartitionLog::deleteSegments(size_t count) {
  std::vector<std::shared_ptr<LogSegment>> doomed(segments_.begin(), segments_.begin() + count);
  segments_.erase(segments_.begin(), segments_.begin() + count);
  // Oldest first: a crash part-way leaves a log that still starts cleanly.
  for (auto& s : doomed) deleter_.retire(s);
}

int64_t PartitionLog::truncateTo(int64_t offset) {
  std::lock_guard<std::mutex> writer(writerMutex_);
  ensureOpen();
  if (offset < 0) throw StorageFailure(ErrorCode::InvalidOffset, "cannot truncate to a negative offset");
  if (offset >= logEndOffset()) return logEndOffset();
  flusher_.drain();
  std::unique_lock<std::shared_mutex> lock(segmentsMutex_);
  if (offset <= segments_.front()->baseOffset() || offset < logStartOffset()) {
    // Nothing below the target survives: start afresh at it (Kafka's
    // truncateFullyAndStartAt).
    deleteSegments(segments_.size());
    segments_.push_back(createSegment(offset, wallClockMs()));
    logStartOffset_.store(offset, std::memory_order_release);
    logEndOffset_.store(offset, std::memory_order_release);
    recoveryPoint_.store(offset, std::memory_order_release);
    syncDirectory(dir_);
    return offset;
  }
  const size_t keep = segmentIndexFor(offset);
  while (segments_.size() > keep + 1) {
    deleter_.retire(segments_.back());
    segments_.pop_back();
  }
  LogSegment& segment = *segments_.back();
  // Cut at the first batch holding an offset >= target (whole batches only).
  uint64_t cut = segment.size();
  {
    std::shared_ptr<Mapping> map = segment.readMapping(cut, cut);
    uint64_t pos = segment.seekPosition(offset, *map, cut);
    while (pos + batch::kExtentSize <= cut) {
      batch::Extent e = batch::parseExtent(map->data() + pos);
      if (e.size < batch::kHeaderSize) break;
      if (e.lastOffset >= offset) {
        cut = pos;
        break;
      }
      pos += e.size;
    }
  }
  segment.truncateLog(cut);
  segment.activate(config_.segmentIndexBytes);
  rebuildSegment(segment, INT64_MAX, segment.baseOffset(), INT64_MAX);
  segment.flush();
  syncDirectory(dir_);
  const int64_t end = segment.nextOffset();
  logEndOffset_.store(end, std::memory_order_release);
  recoveryPoint_.store(std::min(recoveryPoint(), end), std::memory_order_release);
  return end;
}

uint32_t PartitionLog::advanceLogStart(int64_t offset) {
  std::lock_guard<std::mutex> writer(writerMutex_);
  ensureOpen();
  if (offset > logEndOffset()) {
    throw StorageFailure(ErrorCode::OffsetOutOfRange, "cannot move the log start to " + std::to_string(offset) +
                                                          ", past the log end " + std::to_string(logEndOffset()));
  }
  if (offset > logStartOffset()) logStartOffset_.store(offset, std::memory_order_release);
  const int64_t start = logStartOffset();
  size_t count = 0;
  while (count + 1 < segments_.size() && segments_[count + 1]->baseOffset() <= start) count++;
  if (count == 0) return 0;
  flusher_.drain();
  std::unique_lock<std::shared_mutex> lock(segmentsMutex_);
  deleteSegments(count);
  return static_cast<uint32_t>(count);
}

void PartitionLog::close() {
  std::lock_guard<std::mutex> writer(writerMutex_);
  if (closed_.load(std::memory_order_acquire)) return;
  std::unique_ptr<StorageFailure> flushFailure;
  try {
    flusher_.drain();
  } catch (const StorageFailure& f) {
    flushFailure = std::make_unique<StorageFailure>(f);
  }
  std::unique_lock<std::shared_mutex> lock(segmentsMutex_);
  closed_.store(true, std::memory_order_release);
  LogRegistry::forget(dir_, this);
  if (!segments_.empty()) {
    LogSegment& active = *segments_.back();
    active.seal();
    // Already flushed to the end (a broker flushes before it closes): the log
    // bytes are on disk, and the active segment's indexes are rebuilt on every
    // open, so syncing them again would only cost three fsyncs per partition.
    if (recoveryPoint() < logEndOffset()) active.flush();
    recoveryPoint_.store(logEndOffset(), std::memory_order_release);
  }
  for (auto& s : segments_) s->close();
  segments_.clear();
  deleter_.drain();
  if (flushFailure) throw *flushFailure;
}

void PartitionLog::injectWriteFault(int err, int64_t bytesBeforeFailure) {
  std::lock_guard<std::mutex> writer(writerMutex_);
  writeFault_ = WriteFault{err, bytesBeforeFailure};
}

}  // namespace samsa
