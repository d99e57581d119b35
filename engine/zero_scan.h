// zero_scan.h: finding where written bytes end in a zero-filled, preallocated segment.
//
// Store files are created full size (fallocate) and written front to back, so "where does the
// data end" is "where do the zeros begin". Scanning a 1 GiB mapping byte by byte faults in every
// page of it (seconds at start-up for a nearly empty file); the *InFile variants first ask the
// file system which ranges can hold data at all (lseek SEEK_DATA/SEEK_HOLE: holes and
// never-written preallocated extents read as zeros) and scan only those. Where the file system
// cannot tell, the whole range is scanned: the answer is the same, only slower.
//
// Stateless; thread-safe. The caller keeps the mapping alive during a call.
#pragma once

#include <cstddef>

#include "engine/base/bytes.h"

namespace tern::engine {

// Index of the first non-zero byte in [from, bytes.size()), or bytes.size().
size_t FirstNonZero(ByteSpan bytes, size_t from);
// One past the last non-zero byte in [from, bytes.size()), or `from` if all are zero.
size_t EndOfNonZero(ByteSpan bytes, size_t from);

// The same over a whole-file mapping `bytes` of descriptor `fd` (-1: no descriptor), skipping
// ranges the file system reports as holes.
size_t FirstNonZeroInFile(ByteSpan bytes, int fd, size_t from);
size_t EndOfNonZeroInFile(ByteSpan bytes, int fd, size_t from);

}  // namespace tern::engine
