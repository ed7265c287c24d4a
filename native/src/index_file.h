// A fixed-entry-size index file, mmap'd read-write. While its segment is
// active the file is preallocated (segment.index.bytes) and entries are
// appended in place; when the segment rolls or closes it is cut to the used
// size, as Kafka does. The entry count is published with release ordering
// after the entry's bytes, so readers on other threads (acquire) only see
// complete entries. Resizing and remapping happen only under the log's
// exclusive lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "file_io.h"
#include "mapping.h"

namespace samsa {

class IndexFile {
 public:
  IndexFile(std::string path, size_t entrySize) : path_(std::move(path)), entrySize_(entrySize) {}

  // Opens (or creates) the file and maps it at its current size; the entry
  // count is the whole entries that fit. Callers sanity-check the content.
  void load();
  // Grows the file to `preallocBytes` (whole entries) and maps it so entries
  // can be appended; keeps the current entries.
  void activate(size_t preallocBytes);
  // Cuts the file to the entries in use.
  void seal();
  void syncData() const;
  void close();
  void remove();
  // Renames the file (when it exists) and goes on under the new name.
  void renameTo(const std::string& path);

  size_t entries() const { return entries_.load(std::memory_order_acquire); }
  size_t capacity() const { return capacity_; }
  bool isFull() const { return entries() >= capacity_; }
  size_t fileBytes() const { return fileBytes_; }
  const uint8_t* entryAt(size_t i) const { return map_->data() + i * entrySize_; }
  // Writer only. Returns false (and appends nothing) when full.
  bool append(const uint8_t* entry);
  // Writer only, under the exclusive lock.
  void setEntries(size_t n) { entries_.store(n, std::memory_order_release); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  size_t entrySize_;
  bool loaded_ = false;
  std::shared_ptr<Mapping> map_;
  size_t capacity_ = 0;
  size_t fileBytes_ = 0;
  std::atomic<size_t> entries_{0};
};

}  // namespace samsa
