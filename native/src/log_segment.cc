#include "log_segment.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "record_batch.h"
#include "storage_failure.h"

namespace samsa {

std::string segmentFileName(int64_t baseOffset, const char* suffix) {
  char name[kOffsetDigits + 1];
  std::snprintf(name, sizeof name, "%020lld", static_cast<long long>(baseOffset));
  return std::string(name) + suffix;
}

LogSegment::LogSegment(const std::string& dir, int64_t baseOffset, int64_t createdMs, const std::string& nameSuffix)
    : dir_(dir),
      baseOffset_(baseOffset),
      createdMs_(createdMs),
      logPath_(joinPath(dir, segmentFileName(baseOffset, kLogSuffix) + nameSuffix)),
      offsetIndex_(joinPath(dir, segmentFileName(baseOffset, kIndexSuffix) + nameSuffix), baseOffset),
      timeIndex_(joinPath(dir, segmentFileName(baseOffset, kTimeIndexSuffix) + nameSuffix), baseOffset),
      nextOffset_(baseOffset),
      offsetOfMaxTimestamp_(baseOffset) {}

void LogSegment::open(bool create) {
  log_ = File::open(logPath_, create);
  size_.store(log_.size(), std::memory_order_release);
  offsetIndex_.file().load();
  timeIndex_.file().load();
}

std::shared_ptr<Mapping> LogSegment::readMapping(uint64_t end, uint64_t reserve) {
  std::lock_guard<std::mutex> lock(mappingMutex_);
  if (readMapping_ && readMapping_->length() >= end) return readMapping_;
  uint64_t length = reserve > end ? reserve : end;
  readMapping_ = Mapping::map(log_.fd(), static_cast<size_t>(length), Mapping::Mode::ReadOnlyView, logPath_);
  std::vector<std::weak_ptr<Mapping>> live;
  for (auto& w : liveMappings_) {
    if (!w.expired()) live.push_back(w);
  }
  live.push_back(readMapping_);
  liveMappings_.swap(live);
  return readMapping_;
}

uint64_t LogSegment::seekPosition(int64_t offset, const Mapping& map, uint64_t end) const {
  OffsetIndex::Entry e = offsetIndex_.lookup(offset);
  if (e.position == 0) return 0;
  if (e.position + batch::kHeaderSize > end) return 0;
  const uint8_t* p = map.data() + e.position;
  batch::Extent x = batch::parseExtent(p);
  if (p[batch::kMagicAt] != batch::kMagicV2 || x.size < batch::kHeaderSize || e.position + x.size > end ||
      x.baseOffset < baseOffset_ || x.baseOffset > e.offset) {
    return 0;
  }
  return e.position;
}

void LogSegment::recordAppend(uint64_t position, uint64_t bytes, int64_t firstBatchMaxTimestamp,
                              int64_t largestOffset, int64_t maxTimestamp, int64_t offsetOfMaxTimestamp,
                              uint64_t indexIntervalBytes) {
  if (position == 0) firstBatchTimestamp_ = firstBatchMaxTimestamp;
  if (maxTimestamp > this->maxTimestamp()) setMaxTimestamp(maxTimestamp, offsetOfMaxTimestamp);
  if (bytesSinceLastIndexEntry_ > indexIntervalBytes) {
    offsetIndex_.append(largestOffset, position);
    timeIndex_.maybeAppend(this->maxTimestamp(), offsetOfMaxTimestamp_);
    bytesSinceLastIndexEntry_ = 0;
  }
  bytesSinceLastIndexEntry_ += bytes;
  nextOffset_ = largestOffset + 1;
}

void LogSegment::resetForRebuild() {
  offsetIndex_.file().setEntries(0);
  timeIndex_.file().setEntries(0);
  bytesSinceLastIndexEntry_ = 0;
  firstBatchTimestamp_ = -1;
  nextOffset_ = baseOffset_;
  setMaxTimestamp(-1, baseOffset_);
}

int64_t LogSegment::largestTimestamp() const {
  int64_t ts = maxTimestamp();
  if (ts >= 0) return ts;
  struct stat st;
  if (::fstat(log_.fd(), &st) != 0) throwSystemError(errno, "fstat", logPath_);
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

int64_t LogSegment::msWaitedForRoll(int64_t nowMs, int64_t incomingMaxTimestamp) const {
  if (firstBatchTimestamp_ >= 0) return incomingMaxTimestamp - firstBatchTimestamp_;
  return nowMs - createdMs_;
}

void LogSegment::activate(uint64_t indexBytes) {
  offsetIndex_.file().activate(indexBytes);
  timeIndex_.file().activate(indexBytes);
}

void LogSegment::seal() {
  // Kafka appends the final largest timestamp so a sealed segment's last
  // time index entry is its maximum (used on open without a scan).
  if (size() > 0 && !timeIndex_.file().isFull()) timeIndex_.maybeAppend(maxTimestamp(), offsetOfMaxTimestamp_);
  offsetIndex_.file().seal();
  timeIndex_.file().seal();
}

void LogSegment::truncateLog(uint64_t bytes) {
  uint64_t current = size();
  if (bytes >= current) return;
  {
    std::lock_guard<std::mutex> lock(mappingMutex_);
    for (auto& w : liveMappings_) {
      if (auto m = w.lock()) m->detachTail(static_cast<size_t>(bytes), static_cast<size_t>(current));
    }
    // Later reads map the file afresh: detached pages would not see new appends.
    readMapping_.reset();
  }
  log_.truncate(bytes);
  publishSize(bytes);
}

void LogSegment::flush() const {
  log_.syncData();
  offsetIndex_.file().syncData();
  timeIndex_.file().syncData();
}

void LogSegment::renameFiles(const std::string& suffix) {
  renameFile(logPath_, logPath_ + suffix);
  logPath_ += suffix;
  offsetIndex_.file().renameTo(offsetIndex_.file().path() + suffix);
  timeIndex_.file().renameTo(timeIndex_.file().path() + suffix);
}

void LogSegment::removeFiles() {
  close();
  removeFile(logPath_);
  offsetIndex_.file().remove();
  timeIndex_.file().remove();
}

void LogSegment::close() {
  log_.close();
  offsetIndex_.file().close();
  timeIndex_.file().close();
  std::lock_guard<std::mutex> lock(mappingMutex_);
  readMapping_.reset();
}

}  // namespace samsa
