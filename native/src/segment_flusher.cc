#include "segment_flusher.h"

namespace samsa {

SegmentFlusher::~SegmentFlusher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SegmentFlusher::enqueue(std::shared_ptr<LogSegment> segment, int64_t flushedUpTo) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.emplace_back(std::move(segment), flushedUpTo);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  changed_.notify_all();
}

void SegmentFlusher::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
  if (failure_) {
    StorageFailure f = *failure_;
    failure_.reset();
    throw f;
  }
}

void SegmentFlusher::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    auto [segment, upTo] = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    bool ok = true;
    try {
      segment->flush();
    } catch (const StorageFailure& f) {
      ok = false;
      std::lock_guard<std::mutex> relock(mutex_);
      if (!failure_) failure_ = std::make_unique<StorageFailure>(f);
    }
    segment.reset();
    if (ok) onFlushed_(upTo);
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace samsa
