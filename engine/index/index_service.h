// index_service.h: the message key index over a directory of IndexFiles
// (RocketMQ's IndexService): builds index entries from dispatched messages,
// answers key queries, and truncates or retires files for recovery and
// retention.
//
// Owns the list of files in `dir` (<storeRoot>/index), oldest first; the last
// one is the file being written. Files are created lazily on the first
// dispatched message and rolled when full (the new file's header starts from
// the full file's end fields, as in Java). Names are creation times, kept
// unique and increasing (index_file_name.h).
//
// Thread safety: Load, BuildIndex, TruncateFrom, DeleteFilesBefore and
// DeleteFilesEndingAfter are called from one writer thread (the dispatcher, or
// recovery before it starts). Query, Flush, Files and the accessors may be
// called from any thread, concurrently with the writer. A SharedMutex guards
// the file list; each IndexFile guards its own bytes. Readers copy the list of
// shared_ptrs, so a file deleted by retention or truncation is unmapped only
// when the last reader drops it. Lock order: list, then file.
//
// Lifetime: the FileSystem must outlive the service. Nothing is flushed on
// destruction: call Flush at shutdown (and periodically; see
// last_full_file_end_timestamp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/index/index_file.h"

namespace tern::engine {

struct IndexOptions {
  bool enable = true;  // messageIndexEnable
  int32_t hash_slot_num = kDefaultHashSlotNum;
  int32_t index_num = kDefaultIndexNum;
  int32_t max_query_results = kDefaultMaxQueryResults;  // maxMsgsNumBatch
};

// What the dispatcher passes per CommitLog record (all views borrowed for the
// call).
struct IndexRecord {
  std::string_view topic;
  std::string_view keys;      // the KEYS property, empty if absent
  std::string_view uniq_key;  // the UNIQ_KEY property, empty if absent
  int64_t physical_offset = 0;
  int64_t store_timestamp = 0;
  int32_t sys_flag = 0;
};

struct IndexQueryResult {
  std::vector<int64_t> physical_offsets;  // newest file first, newest entry first per file
  int64_t last_update_timestamp = 0;      // the newest file's endTimestamp (0: no files)
  int64_t last_update_phy_offset = 0;     // the newest file's endPhyOffset
};

class IndexService {
 public:
  IndexService(FileSystem* fs, std::string dir, IndexOptions options);
  IndexService(const IndexService&) = delete;
  IndexService& operator=(const IndexService&) = delete;

  const std::string& dir() const { return dir_; }
  const IndexOptions& options() const { return options_; }

  // Opens every file in dir (absent dir: none), sorted by name. A file with the
  // wrong size or a bad header fails the load with DataLoss naming it. With
  // kReadOnly, BuildIndex and the mutators fail with FailedPrecondition. Call
  // once, before anything else.
  absl::Status Load(Access access);

  // IndexService.buildIndex: indexes `topic#UNIQ_KEY` (if present) and
  // `topic#k` for each non-empty space-separated token k of KEYS. Skipped:
  // everything when the index is disabled, ROLLBACK-typed records, and records
  // below the newest file's endPhyOffset (already indexed). A record exactly at
  // endPhyOffset is the last one indexed; its keys are indexed only if missing,
  // so re-dispatch after a restart is idempotent (Java re-adds them). Ensures a
  // writable last file first, even for a record without keys (as Java does).
  // Allocates nothing once warm, except when a file is created.
  absl::Status BuildIndex(const IndexRecord& record);

  // IndexService.queryOffset: offsets of messages indexed under `topic#key`
  // whose index time lies in [begin, end], at most min(max_num,
  // max_query_results). Files are searched newest to oldest, skipping those
  // whose time range does not overlap [begin, end] and stopping after the first
  // whose beginTimestamp < begin.
  IndexQueryResult Query(std::string_view topic, std::string_view key, int32_t max_num,
                         int64_t begin, int64_t end) const;

  // Recovery: forgets every message at or after `phy_offset`. Files whose
  // beginPhyOffset >= phy_offset are deleted (including a fresh file whose
  // begin fields were inherited from the full file before it: keeping it would
  // make BuildIndex skip the re-dispatched messages); the newest remaining file
  // is truncated with IndexFile::TruncateFrom.
  absl::Status TruncateFrom(int64_t phy_offset);

  // Retention: deletes the oldest files whose endPhyOffset <
  // commitlog_min_offset, stopping at the first that is not, and never the
  // newest file. Returns how many were deleted.
  absl::StatusOr<int> DeleteFilesBefore(int64_t commitlog_min_offset);

  // Java's recovery after an abnormal exit (IndexService.load with
  // lastExitOK=false): deletes every file whose endTimestamp > `timestamp` (the
  // checkpoint's indexMsgTimestamp). Returns how many were deleted.
  absl::StatusOr<int> DeleteFilesEndingAfter(int64_t timestamp);

  // Flushes every file changed since its last flush; the first error is
  // returned.
  absl::Status Flush();

  // The newest file's endPhyOffset (0 when there are no files).
  int64_t end_phy_offset() const;
  // The endTimestamp of the newest completely filled file, 0 if none: the
  // checkpoint's indexMsgTimestamp. Read it *before* a successful Flush and
  // store it after, so the checkpoint never covers index entries that are not
  // durable.
  int64_t last_full_file_end_timestamp() const;
  // A snapshot of the files, oldest first (for tools and tests).
  std::vector<std::shared_ptr<const IndexFile>> Files() const;

 private:
  // The last file if it is not full, else a new one (rolled from the last).
  absl::StatusOr<std::shared_ptr<IndexFile>> WritableFile();
  // True if (key_hash, phy_offset) is indexed in the newest files covering
  // phy_offset.
  bool AlreadyIndexed(int32_t key_hash, int64_t phy_offset) const;
  // Indexes key_buf_ for `record`, rolling `*file` when it is full.
  absl::Status PutKey(std::shared_ptr<IndexFile>* file, const IndexRecord& record,
                      bool check_duplicate);
  std::vector<std::shared_ptr<IndexFile>> Snapshot() const;

  FileSystem* const fs_;
  const std::string dir_;
  const IndexOptions options_;

  mutable SharedMutex mu_;
  std::vector<std::shared_ptr<IndexFile>> files_ ABSL_GUARDED_BY(mu_);
  Access access_ ABSL_GUARDED_BY(mu_) = Access::kReadWrite;

  // Writer thread only: the "topic#key" being indexed (reused to avoid
  // allocation).
  std::string key_buf_;
};

}  // namespace tern::engine
