// Thin POSIX file layer: an owning fd, whole-buffer positional writes, syncs,
// directory syncs. Every failure becomes a StorageFailure with errno mapped to
// a code. Writes to segment data go through writeAt with a WriteFault the log
// owns, so tests can inject ENOSPC/EIO after N bytes without a full disk.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace samsa {

class File {
 public:
  File() = default;
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  File(File&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  File& operator=(File&& o) noexcept;
  ~File();

  // O_RDWR, created with mode 0644 when `create`.
  static File open(const std::string& path, bool create);
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool isOpen() const { return fd_ >= 0; }
  uint64_t size() const;
  void truncate(uint64_t size) const;
  void syncData() const;
  void close();

 private:
  int fd_ = -1;
  std::string path_;
};

// A test hook: after `bytesBeforeFailure` more bytes are written, writes fail
// with `err`. err == 0 means no fault.
struct WriteFault {
  int err = 0;
  int64_t bytesBeforeFailure = 0;
};

// Writes all of [data, data+length) at `offset`, retrying short writes.
void writeAt(const File& file, const uint8_t* data, size_t length, uint64_t offset, WriteFault* fault);

void syncDirectory(const std::string& dir);
void makeDirectory(const std::string& dir);
void removeFile(const std::string& path);  // ENOENT is not an error
void renameFile(const std::string& from, const std::string& to);
bool fileExists(const std::string& path);
std::vector<std::string> listDirectory(const std::string& dir);
std::string joinPath(const std::string& dir, const std::string& name);

}  // namespace samsa
