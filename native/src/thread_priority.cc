// The calling thread's scheduling priority. Linux schedules threads, not
// processes: setpriority on the thread's own id changes that thread only, so
// a background thread (the log cleaner's) can yield the CPU to the broker's
// network and partition threads while the rest of the process keeps its
// priority.
#include <cerrno>

#include "addon.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace samsa {
namespace {

// setThreadNice(nice) -> the thread's nice value after, or null where threads
// have no priority of their own.
Napi::Value SetThreadNice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throwInvalidArgument(env, "setThreadNice expects a number");
  int nice = info[0].As<Napi::Number>().Int32Value();
  if (nice < -20 || nice > 19) throwInvalidArgument(env, "nice must be in [-20, 19]");
#ifdef __linux__
  pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(tid), nice) != 0) {
    throwStorageError(env, StorageFailure(ErrorCode::IoError, "setpriority of this thread", errno));
  }
  errno = 0;
  int now = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (now == -1 && errno != 0) throwStorageError(env, StorageFailure(ErrorCode::IoError, "getpriority of this thread", errno));
  return Napi::Number::New(env, now);
#else
  return env.Null();
#endif
}

}  // namespace

void registerThreadFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("setThreadNice", Napi::Function::New(env, SetThreadNice, "setThreadNice"));
}

}  // namespace samsa
