#include "log_registry.h"

#include <climits>
#include <cstdlib>
#include <mutex>
#include <set>
#include <unordered_map>

#include "file_io.h"
#include "storage_failure.h"

namespace samsa {
namespace {

struct Registry {
  std::mutex mutex;
  std::unordered_map<std::string, std::weak_ptr<PartitionLog>> logs;
  std::set<std::string> opening;  // recovering outside the lock
};

Registry& registry() {
  static Registry instance;  // the single deliberate static, see log_registry.h
  return instance;
}

bool canonicalPath(const std::string& dir, std::string* out) {
  char buffer[PATH_MAX];
  if (!::realpath(dir.c_str(), buffer)) return false;
  *out = buffer;
  return true;
}

}  // namespace

std::shared_ptr<PartitionLog> LogRegistry::open(const std::string& dir, const LogConfig& config, int64_t recoveryPoint,
                                                int64_t logStartOffset, int64_t nowMs) {
  makeDirectory(dir);
  std::string key;
  if (!canonicalPath(dir, &key)) throwSystemError(errno, "realpath", dir);
  Registry& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.logs.find(key);
    if (r.opening.count(key) || (it != r.logs.end() && !it->second.expired())) {
      throw StorageFailure(ErrorCode::AlreadyOpen, "partition log " + key + " is already open in this process");
    }
    r.opening.insert(key);
  }
  std::shared_ptr<PartitionLog> log;
  try {
    log = PartitionLog::open(key, config, recoveryPoint, logStartOffset, nowMs);
  } catch (...) {
    std::lock_guard<std::mutex> lock(r.mutex);
    r.opening.erase(key);
    throw;
  }
  std::lock_guard<std::mutex> lock(r.mutex);
  r.opening.erase(key);
  r.logs[key] = log;
  return log;
}

std::shared_ptr<PartitionLog> LogRegistry::attach(const std::string& dir) {
  std::string key;
  std::shared_ptr<PartitionLog> log;
  if (canonicalPath(dir, &key)) {
    std::lock_guard<std::mutex> lock(registry().mutex);
    auto it = registry().logs.find(key);
    if (it != registry().logs.end()) log = it->second.lock();
  }
  // Returned (and possibly released) outside the lock: the last release runs
  // close(), which takes the lock again.
  if (!log || log->isClosed()) throw StorageFailure(ErrorCode::NotOpen, "no open partition log at " + dir);
  return log;
}

void LogRegistry::forget(const std::string& dir, const PartitionLog* log) {
  Registry& r = registry();
  // Declared before the lock so that, if it is the last reference, the log is
  // released after the lock is (its close() would take the lock again).
  std::shared_ptr<PartitionLog> current;
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.logs.find(dir);
  if (it == r.logs.end()) return;
  // Only this log's own entry: a newer log may already be open at the path.
  current = it->second.lock();
  if (!current || current.get() == log) r.logs.erase(it);
}

}  // namespace samsa
