// The one exception type the engine throws. It carries a stable code (the
// same strings as StorageError codes in native/errors.ts) so the binding can
// raise a typed JS error; errno is kept for I/O failures.
#pragma once

#include <stdexcept>
#include <string>

namespace samsa {

enum class ErrorCode {
  CorruptBatch,
  InvalidMagic,
  InvalidBatchSize,
  InvalidRecordCount,
  InvalidRecords,
  InvalidOffset,
  OffsetOutOfRange,
  NoSpace,
  PermissionDenied,
  NotFound,
  IoError,
  Closed,
  AlreadyOpen,
  NotOpen,
  ReadOnly,
  InvalidArgument,
  Locked,
};

const char* errorCodeName(ErrorCode code);

class StorageFailure : public std::runtime_error {
 public:
  StorageFailure(ErrorCode code, const std::string& message, int sysErrno = 0)
      : std::runtime_error(message), code_(code), errno_(sysErrno) {}
  ErrorCode code() const { return code_; }
  int sysErrno() const { return errno_; }

 private:
  ErrorCode code_;
  int errno_;
};

// Maps an errno from a failed system call to the code callers can act on
// (disk full and permission problems are distinct from generic I/O errors).
[[noreturn]] void throwSystemError(int err, const std::string& what, const std::string& path);

}  // namespace samsa
