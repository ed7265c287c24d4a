// The process-wide registry of open partition logs, keyed by the directory's
// real path. It is the addon's one deliberate mutable static: the addon loads
// once per worker thread, and a reader on another thread must reach the same
// log object (and its published offsets) the writer appends to. It holds weak
// references only; a log leaves it when closed or destroyed.
#pragma once

#include <memory>
#include <string>

#include "partition_log.h"

namespace samsa {

class LogRegistry {
 public:
  // Opens and recovers the log; ALREADY_OPEN if it is open in this process.
  static std::shared_ptr<PartitionLog> open(const std::string& dir, const LogConfig& config, int64_t recoveryPoint,
                                            int64_t logStartOffset, int64_t nowMs);
  // The open log for `dir`; NOT_OPEN if there is none.
  static std::shared_ptr<PartitionLog> attach(const std::string& dir);
  static void forget(const std::string& dir, const PartitionLog* log);
};

}  // namespace samsa
