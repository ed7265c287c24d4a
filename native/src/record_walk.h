// Walks the records of a v2 batch (uncompressed bytes: the batch's own, or a
// compressed batch's payload once decompressed) and checks that exactly
// `count` records fill them, each record's fields exactly filling its stated
// length. Nothing is copied or decoded beyond the varints. The rules are those
// of Kafka's DefaultRecord.readFrom, so what passes here is what every client
// can decode: a batch that fails would stop every consumer of its partition.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samsa::batch {

struct RecordsProblem {
  // Static text: what is wrong.
  const char* what;
  // The record it was found in (== count for bytes left after the last one).
  int32_t record;
};

// True when the records are whole (and, with keyedOnly, each has a key, as a
// compacted topic requires); otherwise fills *problem.
bool walkRecords(const uint8_t* p, size_t size, int32_t count, bool keyedOnly, RecordsProblem* problem);

}  // namespace samsa::batch
