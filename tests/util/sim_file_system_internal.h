// sim_file_system_internal.h: SimFileSystem's private pieces shared by its two source files
// (sim_file_system.cc: the file operations; sim_file_system_crash.cc: power cuts, crash images
// and sync faults). Not for use outside them.
#pragma once

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/util/sim_file_system.h"

namespace tern::testing::sim_internal {

constexpr size_t kImagePage = 4096;  // write-back unit of a crash image
constexpr size_t kSector = 512;      // tearing unit

inline absl::Status PowerLoss() { return absl::UnavailableError("simulated power loss"); }

// The status engine::DefaultFileSystem() gives for `err`, so the engine sees
// what it would see in production.
inline absl::Status ErrnoStatus(std::string_view op, std::string_view path, int err) {
  const std::string msg = fmt::format("{} {}: {} (injected)", op, path, std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(msg);
    case EEXIST:
      return absl::AlreadyExistsError(msg);
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(msg);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

inline std::string Normalize(std::string_view path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

inline uint8_t ByteAt(const std::string& s, size_t i) {
  return i < s.size() ? static_cast<uint8_t>(s[i]) : 0;
}

// The whole file behind `fd`: the page cache's view, as a MAP_SHARED mapping
// sees it.
inline absl::StatusOr<std::string> ReadFd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus("fstat", "(cut)", errno);
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("pread", "(cut)", errno);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

template <typename Entries, typename Op>
inline void ApplyDirOp(Entries& entries, const Op& op) {
  switch (op.kind) {
    case Op::kLink:
      entries[op.name] = op.id;
      break;
    case Op::kUnlink:
      entries.erase(op.name);
      break;
    case Op::kRename:
      entries.erase(op.name);
      entries[op.to] = op.id;
      break;
  }
}

}  // namespace tern::testing::sim_internal

namespace tern::testing {

// One queued directory change. kRename is a same-directory rename, atomic in
// the queue.
struct SimFileSystem::DirOp {
  enum Kind { kLink, kUnlink, kRename };
  Kind kind;
  std::string name;  // kLink, kUnlink: the entry; kRename: the source
  std::string to;    // kRename: the destination
  uint64_t id = 0;   // kLink, kRename: the inode
};

// An inode: a file or a directory.
struct SimFileSystem::Node {
  uint64_t id = 0;
  bool dir = false;
  // Files. `durable` holds the durable bytes (its size is the durable size).
  // The live bytes are read through `fd` (a dup of a mapping's descriptor,
  // valid even once unlinked) when the file was ever mapped, else they are
  // `live`. `at_cut` holds the live bytes PowerCut() captured; `lost_pages`
  // maps page index -> content an fsyncgate fault dropped.
  std::string durable;
  std::string live;
  int fd = -1;
  std::optional<std::string> at_cut;
  std::map<size_t, std::string> lost_pages;
  // Directories.
  std::map<std::string, uint64_t> live_entries;
  std::map<std::string, uint64_t> durable_entries;
  std::vector<DirOp> pending;
};

// splitmix64: small, and the same sequence everywhere.
class SimFileSystem::Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  bool Chance(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p;
  }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }

 private:
  uint64_t state_;
};

}  // namespace tern::testing
