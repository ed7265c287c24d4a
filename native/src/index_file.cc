#include "index_file.h"

#include <cstring>

namespace samsa {

void IndexFile::load() {
  if (!file_.isOpen()) file_ = File::open(path_, true);
  fileBytes_ = file_.size();
  map_ = Mapping::map(file_.fd(), fileBytes_, Mapping::Mode::SharedWritable, path_);
  capacity_ = fileBytes_ / entrySize_;
  entries_.store(capacity_, std::memory_order_release);
}

void IndexFile::activate(size_t preallocBytes) {
  size_t used = entries() * entrySize_;
  size_t bytes = preallocBytes - preallocBytes % entrySize_;
  if (bytes < used) bytes = used;
  if (bytes != fileBytes_) {
    map_.reset();
    file_.truncate(bytes);
    fileBytes_ = bytes;
  }
  if (!map_ || map_->length() != bytes) map_ = Mapping::map(file_.fd(), bytes, Mapping::Mode::SharedWritable, path_);
  capacity_ = bytes / entrySize_;
}

void IndexFile::seal() {
  size_t used = entries() * entrySize_;
  if (used != fileBytes_) {
    // The old mapping stays valid for entries below `used`; remap anyway so
    // no mapping extends past the end of the file.
    map_.reset();
    file_.truncate(used);
    fileBytes_ = used;
    map_ = Mapping::map(file_.fd(), used, Mapping::Mode::SharedWritable, path_);
  }
  capacity_ = entries();
}

void IndexFile::syncData() const {
  if (file_.isOpen()) file_.syncData();
}

void IndexFile::close() {
  map_.reset();
  file_.close();
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
