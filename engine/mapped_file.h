// mapped_file.h: one fixed-size, memory-mapped segment of a log (CommitLog or ConsumeQueue).
//
// Owns the mapping (through its MappedRegion) and two positions, both counted in bytes from
// the file's start:
//   write position:   bytes holding complete, published data. Set by the file's single
//                     writer (the CommitLog appender under its lock, or the dispatcher for a
//                     ConsumeQueue) with release order; readers load it with acquire order
//                     and never read beyond it.
//   flushed position: bytes known durable (synced). Only the flusher advances it, never
//                     past the write position and never after a failed sync.
// Invariant: flushed <= write <= size.
//
// Lifetime: shared_ptr. Readers pin a file by holding a shared_ptr while they touch its bytes,
// so a file deleted by retention or truncation is unmapped only after its last reader is done
// (the path is unlinked at once; the mapping stays valid until the pin drops). The FileSystem
// passed at creation must outlive the file.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/bytes.h"
#include "engine/file_system.h"

namespace tern::engine {

class MappedFile {
 public:
  // Creates a zero-filled file for `from_offset` in `dir` (named by FileNameForOffset).
  static absl::StatusOr<std::shared_ptr<MappedFile>> Create(FileSystem* fs, const std::string& dir,
                                                            int64_t from_offset, size_t size);
  // Maps an existing file, which must be exactly `size` bytes (0: whatever size it has).
  // Both positions start at the file size; recovery moves them back.
  static absl::StatusOr<std::shared_ptr<MappedFile>> Open(FileSystem* fs, const std::string& path,
                                                          int64_t from_offset, size_t size,
                                                          Access access);

  MappedFile(FileSystem* fs, std::unique_ptr<MappedRegion> region, int64_t from_offset);
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  int64_t from_offset() const { return from_offset_; }
  int64_t end_offset() const { return from_offset_ + static_cast<int64_t>(size()); }
  size_t size() const { return region_->size(); }
  const std::string& path() const { return region_->path(); }
  uint8_t* data() const { return region_->data(); }
  int fd() const { return region_->fd(); }  // for hole queries (zero_scan.h)
  bool writable() const { return region_->access() == Access::kReadWrite; }

  size_t write_position() const { return write_position_.load(std::memory_order_acquire); }
  void set_write_position(size_t pos);
  size_t flushed_position() const { return flushed_position_.load(std::memory_order_acquire); }
  bool full() const { return write_position() == size(); }

  // Published bytes [pos, write_position).
  ByteSpan ReadableFrom(size_t pos) const;

  // Syncs [flushed, write_position) and advances the flushed position. On error the flushed
  // position stays where it was. Called by one flusher at a time.
  absl::Status Flush();
  // Syncs [from, to) regardless of positions (used after zero-filling a truncated tail).
  absl::Status SyncRange(size_t from, size_t to);

  // Sets both positions to `pos`, zero-fills [pos, size) and syncs it, so that stale bytes
  // beyond a truncation point can never be read back as records after another crash.
  absl::Status TruncateTo(size_t pos);

  // Faults every page in writable (MADV_POPULATE_WRITE, or a touch per page), so the first
  // appends into the file do not pay page-fault costs.
  void Prefault();

  // Releases the pages from this process's page tables (MADV_DONTNEED is harmless for
  // MAP_SHARED: the data stays in the page cache and on disk).
  void DropResidentPages();

 private:
  FileSystem* const fs_;
  const std::unique_ptr<MappedRegion> region_;
  const int64_t from_offset_;
  std::atomic<size_t> write_position_{0};
  std::atomic<size_t> flushed_position_{0};
};

// "00000000001073741824": the 20-digit zero-padded start offset RocketMQ names files by.
std::string FileNameForOffset(int64_t offset);
// Parses such a name; false if it is not exactly 20 digits.
bool ParseOffsetFileName(std::string_view name, int64_t* offset);

}  // namespace tern::engine
