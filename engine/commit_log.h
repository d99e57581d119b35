// commit_log.h: the append-only log every message is written to once, in RocketMQ's
// stored-message format, across fixed-size memory-mapped files.
//
// Appending: callers encode records (commit_log_codec.h) into their own buffers outside any
// lock. Append() then takes the append mutex only to reserve space, assign the fields that
// must follow physical order (queue offset, physical offset, store timestamp), memcpy the
// record into the mapping and publish the new end. Queue offsets therefore follow physical
// order within each (topic, queue), and store timestamps never go backwards in file order.
// A record that does not fit in the current file (with 8 bytes spare) leaves a BLANK filler
// and goes to the next file, which a FileAllocator has usually prepared in the background.
//
// Reading: anyone may read published bytes (below max_offset()) concurrently with appends.
// Read() pins the file so retention cannot unmap it under the reader.
//
// Durability is not this class's business beyond Flush(), which syncs published bytes and
// advances flushed_offset(); the Flusher decides when. After a failed sync the log turns
// read-only for good (the kernel may have dropped the dirty pages: retrying could "succeed"
// without the data).
//
// Thread safety: Append/AppendBatch from any number of threads; Flush from one thread at a
// time; every other method from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/bytes.h"
#include "engine/base/mutex.h"
#include "engine/base/notifier.h"
#include "engine/base/types.h"
#include "engine/file_allocator.h"
#include "engine/file_system.h"
#include "engine/mapped_file_queue.h"
#include "engine/queue_key.h"

namespace tern::engine {

struct CommitLogOptions {
  // Size of each CommitLog file, bytes. RocketMQ default 1 GiB.
  size_t file_size = size_t{1} << 30;
  // Largest accepted message body, bytes (RocketMQ maxMessageSize, default 4 MiB).
  size_t max_message_size = size_t{4} << 20;
};

struct AppendResult {
  PhysicalOffset physical_offset;  // first record
  int32_t bytes = 0;               // all records
  QueueOffset queue_offset;        // first record's queue offset
  int32_t message_count = 0;
  int64_t store_timestamp = 0;
  PhysicalOffset end_offset() const { return physical_offset + bytes; }
};

// A pinned view of CommitLog bytes: valid while `pin` is held.
struct CommitLogSlice {
  std::shared_ptr<MappedFile> pin;
  ByteSpan bytes;
};

class CommitLog {
 public:
  // `allocator` may be null (files are then created inline at each roll). Both pointers must
  // outlive the CommitLog.
  CommitLog(FileSystem* fs, std::string dir, CommitLogOptions options, FileAllocator* allocator);
  CommitLog(const CommitLog&) = delete;
  CommitLog& operator=(const CommitLog&) = delete;

  // Maps the existing files. Their write positions start at the file size; recovery then
  // calls SetEnd() with the end of valid data.
  absl::Status Load(Access access);
  // Declares `offset` the end of valid data: truncates there (zero-filling the tail, deleting
  // later files) and sets the flushed offset to it. For recovery, before any append.
  absl::Status SetEnd(int64_t offset);

  // Appends one encoded record, patching its queue offset, physical offset and store
  // timestamp in place. PREPARED/ROLLBACK-typed records get queue offset 0 and do not advance
  // the queue. Errors: InvalidArgument (too large: names the limit), FailedPrecondition
  // (read-only), ResourceExhausted (disk full, writes refused), Internal (file creation).
  absl::StatusOr<AppendResult> Append(MutableByteSpan record, QueueKeyView queue);
  // Appends `count` consecutive encoded records of one queue as one unit in one file; they
  // get consecutive queue offsets.
  absl::StatusOr<AppendResult> AppendBatch(MutableByteSpan records, int32_t count,
                                           QueueKeyView queue);

  // End of published data (exclusive); everything below it is readable.
  int64_t max_offset() const { return max_offset_.load(std::memory_order_acquire); }
  // Start of the first file still present.
  int64_t min_offset() const { return files_.min_offset(); }
  // End of durable data.
  int64_t flushed_offset() const { return flushed_offset_.load(std::memory_order_acquire); }

  // Pins and returns [offset, offset + size) if it lies in published data of one file.
  std::optional<CommitLogSlice> Read(PhysicalOffset offset, int32_t size) const;
  // Pins and returns the published bytes from `offset` to the end of its file's data.
  std::optional<CommitLogSlice> ReadToFileEnd(PhysicalOffset offset) const;
  // Offset of the file after the one holding `offset` (where a reader continues past BLANK).
  int64_t NextFileStart(int64_t offset) const;

  // Syncs everything published and advances flushed_offset(). A failure turns the log
  // read-only and is returned (again on every later call).
  absl::Status Flush();
  // Bytes published but not yet flushed.
  int64_t unflushed_bytes() const { return max_offset() - flushed_offset(); }

  // Refuses appends with ResourceExhausted(reason) while set (disk watermark).
  void SetWritesRefused(bool refused, std::string reason);
  bool read_only() const { return read_only_.load(std::memory_order_acquire); }

  // Queue offset table ("topicQueueTable"): the next queue offset per (topic, queue).
  void SetNextQueueOffset(QueueKeyView queue, int64_t next);
  int64_t NextQueueOffset(QueueKeyView queue) const;
  void RemoveQueueOffsets(std::string_view topic);

  // Notified whenever max_offset() advances.
  Notifier& append_notifier() { return append_notifier_; }

  MappedFileQueue& files() { return files_; }
  const MappedFileQueue& files() const { return files_; }
  const CommitLogOptions& options() const { return options_; }

 private:
  absl::StatusOr<AppendResult> AppendLocked(MutableByteSpan bytes, int32_t count,
                                            QueueKeyView queue, bool advance_queue)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  absl::StatusOr<std::shared_ptr<MappedFile>> RollLocked(int64_t from_offset)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  absl::Status CheckWritable() const;

  FileSystem* const fs_;
  const CommitLogOptions options_;
  FileAllocator* const allocator_;
  MappedFileQueue files_;

  mutable Mutex append_mu_;
  std::shared_ptr<MappedFile> tail_ ABSL_GUARDED_BY(append_mu_);
  int64_t last_store_timestamp_ ABSL_GUARDED_BY(append_mu_) = 0;
  // Where the first file goes when there are none (after a truncation to a file boundary).
  int64_t empty_start_ ABSL_GUARDED_BY(append_mu_) = 0;
  absl::flat_hash_map<QueueKey, int64_t, QueueKeyHash, QueueKeyEq> queue_offsets_
      ABSL_GUARDED_BY(append_mu_);

  std::atomic<int64_t> max_offset_{0};
  std::atomic<int64_t> flushed_offset_{0};
  std::atomic<bool> read_only_{false};
  std::atomic<bool> writes_refused_{false};
  mutable Mutex status_mu_;
  absl::Status flush_error_ ABSL_GUARDED_BY(status_mu_);
  std::string refuse_reason_ ABSL_GUARDED_BY(status_mu_);
  Mutex flush_mu_;  // one Flush() at a time
  Notifier append_notifier_;
};

}  // namespace tern::engine
