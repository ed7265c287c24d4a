// A reference-counted mmap of a file region. Segment reads hand out views
// whose lifetime holds a shared_ptr<Mapping>, so unmapping waits for the last
// view; a segment file unlinked by retention keeps its data until then.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace samsa {

class Mapping {
 public:
  enum class Mode {
    // Index files: the engine writes entries through the mapping.
    SharedWritable,
    // Segment data handed to JS as Buffers: shared and read-only. A write
    // into a view faults at once (a programming error, like lmdb-js's
    // read-only buffers) instead of silently changing what other readers of
    // the same pages see, as a private copy-on-write mapping would.
    ReadOnlyView,
  };
  // length 0 gives an empty mapping (mmap refuses zero-length regions).
  static std::shared_ptr<Mapping> map(int fd, size_t length, Mode mode, const std::string& path);
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping();

  uint8_t* data() const { return data_; }
  size_t length() const { return length_; }

  // Before a file is cut to `from` bytes, replaces the mapped pages from
  // `from` (rounded down to a page) up to `dataEnd` with private copies of
  // the same bytes, in one atomic mremap. Views over the cut part keep
  // reading the old bytes instead of faulting (SIGBUS) once the file shrinks.
  void detachTail(size_t from, size_t dataEnd);

 private:
  Mapping(uint8_t* data, size_t length) : data_(data), length_(length) {}
  uint8_t* data_;
  size_t length_;
};

}  // namespace samsa
