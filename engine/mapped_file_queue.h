// mapped_file_queue.h: the ordered list of fixed-size MappedFiles that make up one log
// (the CommitLog, or one ConsumeQueue), each named by its start offset.
//
// Files are contiguous: file i starts at first.from_offset + i * file_size. The queue finds
// the file holding an offset, creates the next file at the tail, truncates the tail for
// recovery and deletes head files for retention.
//
// Thread safety: all methods are thread-safe. The file list is guarded by a reader/writer
// mutex held only to copy shared_ptrs, never while touching file bytes or doing I/O other
// than the create/delete being applied. Returned shared_ptrs pin their files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/mapped_file.h"

namespace tern::engine {

class MappedFileQueue {
 public:
  // Creates the next file for the queue at `from_offset` (lets the CommitLog use a file
  // preallocated in the background). Defaults to MappedFile::Create.
  using FileFactory = std::function<absl::StatusOr<std::shared_ptr<MappedFile>>(
      const std::string& dir, int64_t from_offset, size_t size)>;

  MappedFileQueue(FileSystem* fs, std::string dir, size_t file_size);
  MappedFileQueue(const MappedFileQueue&) = delete;
  MappedFileQueue& operator=(const MappedFileQueue&) = delete;

  void set_file_factory(FileFactory factory) { factory_ = std::move(factory); }

  // Maps every file in the directory (a missing directory is an empty queue). Names must be
  // 20-digit offsets, files exactly file_size bytes and contiguous; anything else is
  // DataLoss naming the file. Positions start at the file size (recovery adjusts them).
  absl::Status Load(Access access);

  const std::string& dir() const { return dir_; }
  size_t file_size() const { return file_size_; }
  FileSystem* fs() const { return fs_; }

  bool empty() const;
  size_t file_count() const;
  std::shared_ptr<MappedFile> FirstFile() const;
  std::shared_ptr<MappedFile> LastFile() const;
  // The file whose range contains `offset`, or null.
  std::shared_ptr<MappedFile> FindFile(int64_t offset) const;
  // The file after `file`, or null.
  std::shared_ptr<MappedFile> NextFile(const MappedFile& file) const;
  std::vector<std::shared_ptr<MappedFile>> Files() const;

  // Start of the first file, or 0 when empty.
  int64_t min_offset() const;
  // End of published data: last file's start + write position, or 0 when empty.
  int64_t max_offset() const;
  // End of durable data across the files (first file whose flushed < size, or the last).
  int64_t flushed_offset() const;

  // Creates (directory included) and appends the file starting at `from_offset`, which must
  // be the end of the last file, or any multiple of file_size when the queue is empty.
  absl::StatusOr<std::shared_ptr<MappedFile>> AppendFile(int64_t from_offset);

  // Recovery: data ends at `offset`. The file containing it gets its positions set there and
  // its tail zero-filled; later files are deleted. With offset at a file boundary, the file
  // starting there is deleted too.
  absl::Status TruncateTo(int64_t offset);

  // Deletes files from the head while `should_delete(file)` is true, never the last file and
  // at most `max_files`. Returns how many were deleted.
  absl::StatusOr<int> DeleteHeadFiles(const std::function<bool(const MappedFile&)>& should_delete,
                                      int max_files);

  // Deletes every file and the directory itself.
  absl::Status DeleteAll();

 private:
  std::shared_ptr<MappedFile> FindLocked(int64_t offset) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  FileSystem* const fs_;
  const std::string dir_;
  const size_t file_size_;
  FileFactory factory_;
  mutable SharedMutex mu_;
  std::vector<std::shared_ptr<MappedFile>> files_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::engine
