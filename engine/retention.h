// retention.h: deletes expired CommitLog files and the derived data that points into them,
// and guards the disk (RocketMQ's CleanCommitLogService + CleanConsumeQueueService).
//
// Each pass (RunOnce):
//   - measures the disk holding the CommitLog; above refuse_writes_ratio appends are refused
//     (ResourceExhausted, which the server answers with SERVICE_NOT_AVAILABLE) until usage
//     drops again;
//   - deletes head CommitLog files whose last write is older than file_reserved_hours, when it
//     is the delete hour or usage is above clean_ratio; above force_clean_ratio the oldest
//     files go even if not expired. Never the last file, never a file holding data that is not
//     dispatched yet, at most max_files_per_pass per pass;
//   - trims every ConsumeQueue and the index to the new CommitLog minimum.
//
// Thread safety: RunOnce from one thread at a time (the store's scheduler). Readers that
// pinned a deleted file keep reading it until they let go.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/commit_log.h"
#include "engine/consume_queue_table.h"
#include "engine/store_options.h"

namespace tern::engine {

class IndexService;

struct RetentionPass {
  double disk_used_ratio = 0;
  bool writes_refused = false;
  int commit_log_files_deleted = 0;
  int consume_queue_files_deleted = 0;
};

class Retention {
 public:
  // `dispatched_offset` reports how far dispatch has come; `now_millis` and `local_hour`
  // are injectable for tests. `index` may be null.
  Retention(FileSystem* fs, CommitLog* log, ConsumeQueueTable* queues, IndexService* index,
            RetentionOptions options, std::function<int64_t()> dispatched_offset);

  void set_clock(std::function<int64_t()> now_millis, std::function<int()> local_hour) {
    now_millis_ = std::move(now_millis);
    local_hour_ = std::move(local_hour);
  }
  // Deletes expired files on the next pass regardless of the hour (admin request).
  void RequestManualDelete() { manual_ = true; }

  absl::StatusOr<RetentionPass> RunOnce();

 private:
  FileSystem* const fs_;
  CommitLog* const log_;
  ConsumeQueueTable* const queues_;
  IndexService* const index_;
  const RetentionOptions options_;
  const std::function<int64_t()> dispatched_offset_;
  std::function<int64_t()> now_millis_;
  std::function<int()> local_hour_;
  bool manual_ = false;
};

}  // namespace tern::engine
