// Background fdatasync of rolled segments, one thread per log, in roll order.
// Kafka flushes a rolled segment from its scheduler so the recovery point can
// pass it without stalling the append that rolled; this is the same, and
// `onFlushed(upTo)` moves the recovery point once a segment is durable.
// Writers that delete or cut segments, and close, drain() it first, so it
// never syncs a file that is being removed. A failed sync is kept and
// rethrown by the next drain() (the recovery point does not move).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "log_segment.h"
#include "storage_failure.h"

namespace samsa {

class SegmentFlusher {
 public:
  explicit SegmentFlusher(std::function<void(int64_t)> onFlushed) : onFlushed_(std::move(onFlushed)) {}
  SegmentFlusher(const SegmentFlusher&) = delete;
  SegmentFlusher& operator=(const SegmentFlusher&) = delete;
  ~SegmentFlusher();

  void enqueue(std::shared_ptr<LogSegment> segment, int64_t flushedUpTo);
  // Waits until every queued segment is synced; throws the first failure.
  void drain();

 private:
  void run();

  std::function<void(int64_t)> onFlushed_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::shared_ptr<LogSegment>, int64_t>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::unique_ptr<StorageFailure> failure_;
  std::thread thread_;
};

}  // namespace samsa
