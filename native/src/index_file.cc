#include "index_file.h"

#include <cstring>

namespace samsa {

// The file is opened only for the moment it is sized, mapped or synced: entries
// go through the mapping, and a descriptor held per index would put two of the
// three descriptors per partition against the process limit.

void IndexFile::load() {
  File file = File::open(path_, true);
  fileBytes_ = file.size();
  map_ = Mapping::map(file.fd(), fileBytes_, Mapping::Mode::SharedWritable, path_);
  loaded_ = true;
  capacity_ = fileBytes_ / entrySize_;
  entries_.store(capacity_, std::memory_order_release);
}

void IndexFile::activate(size_t preallocBytes) {
  size_t used = entries() * entrySize_;
  size_t bytes = preallocBytes - preallocBytes % entrySize_;
  if (bytes < used) bytes = used;
  if (bytes == fileBytes_ && map_ && map_->length() == bytes) {
    capacity_ = bytes / entrySize_;
    return;
  }
  File file = File::open(path_, false);
  if (bytes != fileBytes_) {
    map_.reset();
    file.truncate(bytes);
    fileBytes_ = bytes;
  }
  if (!map_ || map_->length() != bytes) map_ = Mapping::map(file.fd(), bytes, Mapping::Mode::SharedWritable, path_);
  capacity_ = bytes / entrySize_;
}

void IndexFile::seal() {
  size_t used = entries() * entrySize_;
  if (used != fileBytes_) {
    // The old mapping stays valid for entries below `used`; remap anyway so
    // no mapping extends past the end of the file.
    File file = File::open(path_, false);
    map_.reset();
    file.truncate(used);
    fileBytes_ = used;
    map_ = Mapping::map(file.fd(), used, Mapping::Mode::SharedWritable, path_);
  }
  capacity_ = entries();
}

void IndexFile::syncData() const {
  // fdatasync through any descriptor writes the file's dirty pages, the mapped ones included.
  if (loaded_) File::open(path_, false).syncData();
}

void IndexFile::close() {
  map_.reset();
  loaded_ = false;
}

void IndexFile::renameTo(const std::string& path) {
  if (fileExists(path_)) renameFile(path_, path);
  path_ = path;
}

void IndexFile::remove() {
  close();
  removeFile(path_);
}

bool IndexFile::append(const uint8_t* entry) {
  size_t n = entries_.load(std::memory_order_relaxed);
  if (n >= capacity_) return false;
  std::memcpy(map_->data() + n * entrySize_, entry, entrySize_);
  entries_.store(n + 1, std::memory_order_release);
  return true;
}

}  // namespace samsa
