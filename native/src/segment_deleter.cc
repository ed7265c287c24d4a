#include "segment_deleter.h"

#include "storage_failure.h"

namespace samsa {

SegmentDeleter::~SegmentDeleter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SegmentDeleter::retire(std::shared_ptr<LogSegment> segment) {
  segment->renameFiles(".deleted");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(segment));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  changed_.notify_all();
}

void SegmentDeleter::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void SegmentDeleter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Stopping still removes what is queued: a closed log leaves no .deleted file behind.
    if (queue_.empty()) return;
    std::shared_ptr<LogSegment> segment = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    try {
      segment->removeFiles();
    } catch (const StorageFailure&) {
      // Left as .deleted for the next recovery.
    }
    segment.reset();
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace samsa
