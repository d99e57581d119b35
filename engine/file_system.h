// file_system.h: the seam between the store and the operating system's files.
//
// Every syscall the engine makes on files goes through a FileSystem: creating and mapping
// fixed-size segments, making ranges durable, small whole-file reads and writes, renames,
// directory listing and syncing, file locks and disk usage. The POSIX implementation
// (DefaultFileSystem) is what the broker uses; tests substitute a simulator that remembers
// what was synced and can produce the disk image a power cut would leave behind
// (tests/util/sim_file_system.h), or that fails a chosen sync with EIO.
//
// Thread safety: implementations are thread-safe. A MappedRegion may be read and written by
// many threads (the bytes are the caller's to coordinate); it is unmapped when destroyed, so
// holders must keep it alive while they use its memory (the engine pins MappedFiles with
// shared_ptr for exactly this reason).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tern::engine {

enum class Access { kReadOnly, kReadWrite };

// One MAP_SHARED mapping of a whole file; owns the mapping and its descriptor.
class MappedRegion {
 public:
  MappedRegion(std::string path, uint8_t* data, size_t size, int fd, Access access);
  ~MappedRegion();
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  Access access() const { return access_; }

 private:
  const std::string path_;
  uint8_t* const data_;
  const size_t size_;
  const int fd_;
  const Access access_;
};

// An exclusive lock on a file; released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

struct DiskUsage {
  uint64_t total_bytes = 0;
  uint64_t free_bytes = 0;  // available to unprivileged users
  double used_ratio() const {
    return total_bytes == 0
               ? 0.0
               : 1.0 - static_cast<double>(free_bytes) / static_cast<double>(total_bytes);
  }
};

enum class SyncMode { kNoSync, kSync };

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates `path` (which must not exist) with `size` bytes allocated on disk (fallocate, so a
  // full disk is an error here and never a SIGBUS later), zero-filled, mapped read-write.
  // The new directory entry is durable only after SyncDir(parent).
  virtual absl::StatusOr<std::unique_ptr<MappedRegion>> CreateAndMap(const std::string& path,
                                                                     size_t size) = 0;
  // Maps an existing file. If `expected_size` is non-zero the file must have exactly that size.
  virtual absl::StatusOr<std::unique_ptr<MappedRegion>> MapExisting(const std::string& path,
                                                                    size_t expected_size,
                                                                    Access access) = 0;
  // Makes bytes [offset, offset + len) of `region` durable (msync MS_SYNC on whole pages).
  virtual absl::Status SyncRegion(MappedRegion& region, size_t offset, size_t len) = 0;
  // Zero-fills bytes [offset, offset + len) of `region` (keeping the disk allocation) and makes
  // them durable, so stale bytes beyond a truncation point can never come back.
  virtual absl::Status ZeroRange(MappedRegion& region, size_t offset, size_t len) = 0;

  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) = 0;
  // Creates or truncates `path` and writes `data`; with kSync, fdatasyncs before returning.
  virtual absl::Status WriteFile(const std::string& path, std::string_view data, SyncMode sync) = 0;
  virtual absl::Status Rename(const std::string& from, const std::string& to) = 0;
  virtual absl::Status DeleteFile(const std::string& path) = 0;
  // Removes an empty directory.
  virtual absl::Status DeleteDir(const std::string& path) = 0;
  // mkdir -p; syncs each parent whose entries changed.
  virtual absl::Status CreateDirs(const std::string& path) = 0;
  virtual absl::Status SyncDir(const std::string& path) = 0;
  // Entry names (not paths) in `path`, sorted; "." and ".." excluded.
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual absl::StatusOr<uint64_t> FileSize(const std::string& path) = 0;
  virtual absl::StatusOr<int64_t> ModifiedTimeMillis(const std::string& path) = 0;
  virtual absl::StatusOr<DiskUsage> GetDiskUsage(const std::string& path) = 0;
  // Takes an exclusive lock on `path` (created if absent) that conflicts with fcntl locks
  // from other processes (what Java's FileChannel.tryLock takes) and with other
  // LockFile calls in this process. FailedPrecondition when the lock is held.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
};

// The process-wide POSIX implementation.
FileSystem* DefaultFileSystem();

// Writes `data` to `path` atomically: `path`.tmp is written and synced, the previous `path` is
// kept as `path`.bak, then the temp file is renamed over `path` and the directory synced.
// A crash at any point leaves either the old or the new content under `path` or `path`.bak.
absl::Status AtomicReplaceFile(FileSystem& fs, const std::string& path, std::string_view data);

std::string JoinPath(std::string_view dir, std::string_view name);
std::string ParentDir(std::string_view path);

}  // namespace tern::engine
