#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // mremap
#endif
#include "mapping.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "storage_failure.h"

namespace samsa {

std::shared_ptr<Mapping> Mapping::map(int fd, size_t length, Mode mode, const std::string& path) {
  if (length == 0) return std::shared_ptr<Mapping>(new Mapping(nullptr, 0));
  int prot = mode == Mode::SharedWritable ? PROT_READ | PROT_WRITE : PROT_READ;
  void* p = ::mmap(nullptr, length, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) throwSystemError(errno, "mmap", path);
  // Index mappings are written one entry at a time and searched at random. Without
  // this, the first write into a preallocated (sparse) index faults in a whole
  // readahead window of zeroed pages: with thousands of partitions, gigabytes of
  // page cache and most of the broker's CPU.
  if (mode == Mode::SharedWritable) ::madvise(p, length, MADV_RANDOM);
  return std::shared_ptr<Mapping>(new Mapping(static_cast<uint8_t*>(p), length));
}

Mapping::~Mapping() {
  if (data_) ::munmap(data_, length_);
}

void Mapping::detachTail(size_t from, size_t dataEnd) {
  if (!data_) return;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t start = from - from % page;
  size_t end = std::min(length_, (dataEnd + page - 1) / page * page);
  if (start >= end) return;
  size_t len = end - start;
  void* copy = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (copy == MAP_FAILED) throwSystemError(errno, "mmap (detach)", "anonymous");
  std::memcpy(copy, data_ + start, std::min(len, dataEnd - start));
  ::mprotect(copy, len, PROT_READ);
  if (::mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, data_ + start) == MAP_FAILED) {
    int err = errno;
    ::munmap(copy, len);
    throwSystemError(err, "mremap (detach)", "anonymous");
  }
}

}  // namespace samsa
