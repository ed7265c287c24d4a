// The data directory's lock: an exclusive flock(2) on <dir>/.lock, as Kafka
// takes with FileChannel.tryLock. flock locks belong to the open file
// description, so a second open in the same process is refused as well as one
// in another process; the kernel drops the lock when the descriptor closes,
// including when the process is killed.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "addon.h"

namespace samsa {
namespace {

constexpr const char* kLockFile = ".lock";

class NativeDirLock : public Napi::ObjectWrap<NativeDirLock> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeDirLock", {InstanceMethod("release", &NativeDirLock::Release)});
  }

  // new NativeDirLock(dir): holds the lock until release() (or collection).
  NativeDirLock(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeDirLock>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throwInvalidArgument(env, "NativeDirLock(dir)");
    std::string dir = info[0].As<Napi::String>();
    std::string path = dir + "/" + kLockFile;
    guarded(env, [&] {
      // CLOEXEC: a child process must not inherit (and so outlive us holding) the lock.
      int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) throwSystemError(errno, "open", path);
      int rc;
      do rc = ::flock(fd, LOCK_EX | LOCK_NB);
      while (rc != 0 && errno == EINTR);
      if (rc != 0) {
        int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK) {
          throw StorageFailure(ErrorCode::Locked,
                               "Failed to acquire lock on file .lock in " + dir +
                                   ". A samsa instance in another process or thread is using this directory.",
                               err);
        }
        throwSystemError(err, "flock", path);
      }
      fd_ = fd;
    });
  }

  ~NativeDirLock() override { unlock(); }

 private:
  void unlock() {
    if (fd_ < 0) return;
    ::close(fd_);  // drops the flock
    fd_ = -1;
  }

  Napi::Value Release(const Napi::CallbackInfo& info) {
    unlock();
    return info.Env().Undefined();
  }

  int fd_ = -1;
};

}  // namespace

Napi::Function defineDirLockClass(Napi::Env env) { return NativeDirLock::Define(env); }

}  // namespace samsa
