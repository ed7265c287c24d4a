// Removes the files of segments a log has let go of (retention, truncation,
// a cleaner's swap) on a background thread, one per log, as Kafka's
// asyncDeleteSegment: under the log's locks a segment's files are only
// renamed to <name>.deleted, which is quick, while closing and unlinking them
// (freeing a large file's blocks, unmapping its pages) takes milliseconds per
// segment, on a thread that serves nothing. Views handed out keep their
// mappings. A crash leaves .deleted files, which recovery removes. A failed
// removal is left to recovery too: nothing reads those files again.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "log_segment.h"

namespace samsa {

class SegmentDeleter {
 public:
  SegmentDeleter() = default;
  SegmentDeleter(const SegmentDeleter&) = delete;
  SegmentDeleter& operator=(const SegmentDeleter&) = delete;
  ~SegmentDeleter();

  // Renames the segment's files to <name>.deleted now (the caller holds the
  // log's locks) and removes them later.
  void retire(std::shared_ptr<LogSegment> segment);
  // Waits until every retired segment's files are removed.
  void drain();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<LogSegment>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace samsa
