#include "engine/zero_scan.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace tern::engine {

size_t FirstNonZero(ByteSpan bytes, size_t from) {
  const uint8_t* p = bytes.data();
  const size_t size = bytes.size();
  size_t i = from;
  while (i < size && (i & 63) != 0) {
    if (p[i] != 0) return i;
    ++i;
  }
  // 64 bytes per step, OR-ed together: the loop runs at memory bandwidth.
  while (i + 64 <= size) {
    uint64_t w[8];
    std::memcpy(w, p + i, 64);
    if ((w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) != 0) break;
    i += 64;
  }
  while (i < size && p[i] == 0) ++i;
  return i;
}

size_t EndOfNonZero(ByteSpan bytes, size_t from) {
  const uint8_t* p = bytes.data();
  size_t i = bytes.size();
  while (i > from && (i & 63) != 0) {
    if (p[i - 1] != 0) return i;
    --i;
  }
  while (i >= from + 64) {
    uint64_t w[8];
    std::memcpy(w, p + i - 64, 64);
    if ((w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) != 0) break;
    i -= 64;
  }
  while (i > from && p[i - 1] == 0) --i;
  return i;
}

namespace {

// The ranges of [from, size) that may hold data, in order; the whole range when `fd` cannot
// tell (no descriptor, or a file system without SEEK_DATA).
std::vector<std::pair<size_t, size_t>> DataRanges(int fd, size_t from, size_t size) {
  std::vector<std::pair<size_t, size_t>> out;
  if (fd < 0) {
    if (from < size) out.emplace_back(from, size);
    return out;
  }
  size_t pos = from;
  while (pos < size) {
    const off_t data = ::lseek(fd, static_cast<off_t>(pos), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // no data at or after pos
      out.clear();                // cannot tell: scan everything
      out.emplace_back(from, size);
      return out;
    }
    const auto d = static_cast<size_t>(data);
    if (d >= size) break;
    const off_t hole = ::lseek(fd, data, SEEK_HOLE);
    const size_t h = hole < 0 ? size : std::min(size, std::max(d + 1, static_cast<size_t>(hole)));
    out.emplace_back(std::max(d, pos), h);
    pos = h;
  }
  return out;
}

}  // namespace

size_t FirstNonZeroInFile(ByteSpan bytes, int fd, size_t from) {
  for (const auto& [begin, end] : DataRanges(fd, from, bytes.size())) {
    const size_t nz = FirstNonZero(bytes.first(end), begin);
    if (nz < end) return nz;
  }
  return bytes.size();
}

size_t EndOfNonZeroInFile(ByteSpan bytes, int fd, size_t from) {
  const std::vector<std::pair<size_t, size_t>> ranges = DataRanges(fd, from, bytes.size());
  for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
    const size_t e = EndOfNonZero(bytes.first(it->second), it->first);
    if (e > it->first) return e;
  }
  return from;
}

}  // namespace tern::engine
