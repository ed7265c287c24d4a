#include "file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage_failure.h"

namespace samsa {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::CorruptBatch: return "CORRUPT_BATCH";
    case ErrorCode::InvalidMagic: return "INVALID_MAGIC";
    case ErrorCode::InvalidBatchSize: return "INVALID_BATCH_SIZE";
    case ErrorCode::InvalidRecordCount: return "INVALID_RECORD_COUNT";
    case ErrorCode::InvalidRecords: return "INVALID_RECORDS";
    case ErrorCode::InvalidOffset: return "INVALID_OFFSET";
    case ErrorCode::OffsetOutOfRange: return "OFFSET_OUT_OF_RANGE";
    case ErrorCode::NoSpace: return "NO_SPACE";
    case ErrorCode::PermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::NotFound: return "NOT_FOUND";
    case ErrorCode::IoError: return "IO_ERROR";
    case ErrorCode::Closed: return "CLOSED";
    case ErrorCode::AlreadyOpen: return "ALREADY_OPEN";
    case ErrorCode::NotOpen: return "NOT_OPEN";
    case ErrorCode::ReadOnly: return "READ_ONLY";
    case ErrorCode::InvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::Locked: return "LOCKED";
  }
  return "IO_ERROR";
}

void throwSystemError(int err, const std::string& what, const std::string& path) {
  ErrorCode code = ErrorCode::IoError;
  switch (err) {
    case ENOSPC:
    case EFBIG:
    case EDQUOT: code = ErrorCode::NoSpace; break;
    case EACCES:
    case EPERM:
    case EROFS: code = ErrorCode::PermissionDenied; break;
    case ENOENT:
    case ENOTDIR: code = ErrorCode::NotFound; break;
    default: break;
  }
  throw StorageFailure(code, what + " " + path + ": " + std::strerror(err), err);
}

File& File::operator=(File&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

File::~File() { close(); }

void File::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

File File::open(const std::string& path, bool create) {
  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) throwSystemError(errno, "open", path);
  return File(fd, path);
}

uint64_t File::size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) throwSystemError(errno, "fstat", path_);
  return static_cast<uint64_t>(st.st_size);
}

void File::truncate(uint64_t size) const {
  while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    if (errno != EINTR) throwSystemError(errno, "ftruncate", path_);
  }
}

void File::syncData() const {
  if (::fdatasync(fd_) != 0) throwSystemError(errno, "fdatasync", path_);
}

void writeAt(const File& file, const uint8_t* data, size_t length, uint64_t offset, WriteFault* fault) {
  while (length > 0) {
    size_t chunk = length;
    if (fault && fault->err != 0) {
      if (fault->bytesBeforeFailure <= 0) throwSystemError(fault->err, "pwrite (injected)", file.path());
      if (static_cast<int64_t>(chunk) > fault->bytesBeforeFailure) chunk = static_cast<size_t>(fault->bytesBeforeFailure);
    }
    ssize_t n = ::pwrite(file.fd(), data, chunk, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throwSystemError(errno, "pwrite", file.path());
    }
    if (fault && fault->err != 0) fault->bytesBeforeFailure -= n;
    data += n;
    length -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

void syncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throwSystemError(errno, "open directory", dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throwSystemError(err, "fsync directory", dir);
}

void makeDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throwSystemError(errno, "mkdir", dir);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) throwSystemError(errno, "stat", dir);
  if (!S_ISDIR(st.st_mode)) throwSystemError(ENOTDIR, "open log directory", dir);
}

void removeFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) throwSystemError(errno, "unlink", path);
}

void renameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) throwSystemError(errno, "rename", from + " -> " + to);
}

bool fileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> listDirectory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) throwSystemError(errno, "opendir", dir);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

std::string joinPath(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

}  // namespace samsa
