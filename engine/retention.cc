#include "engine/retention.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/index/index_service.h"

namespace tern::engine {

Retention::Retention(FileSystem* fs, CommitLog* log, ConsumeQueueTable* queues, IndexService* index,
                     RetentionOptions options, std::function<int64_t()> dispatched_offset)
    : fs_(fs),
      log_(log),
      queues_(queues),
      index_(index),
      options_(options),
      dispatched_offset_(std::move(dispatched_offset)),
      now_millis_([] { return NowMillis(); }),
      local_hour_([] {
        const std::time_t t = std::time(nullptr);
        std::tm tm{};
        localtime_r(&t, &tm);
        return tm.tm_hour;
      }) {}

absl::StatusOr<RetentionPass> Retention::RunOnce() {
  RetentionPass pass;
  absl::StatusOr<DiskUsage> usage = fs_->GetDiskUsage(log_->files().dir());
  if (!usage.ok()) usage = fs_->GetDiskUsage(ParentDir(log_->files().dir()));
  if (usage.ok()) pass.disk_used_ratio = usage->used_ratio();

  pass.writes_refused = pass.disk_used_ratio > options_.refuse_writes_ratio;
  log_->SetWritesRefused(
      pass.writes_refused,
      fmt::format("disk full: {:.1f}% of the store's disk is used (writes refused above {:.0f}%)",
                  pass.disk_used_ratio * 100, options_.refuse_writes_ratio * 100));

  const bool delete_hour = local_hour_() == options_.delete_when_hour;
  const bool over_clean = pass.disk_used_ratio > options_.clean_ratio;
  const bool force = pass.disk_used_ratio > options_.force_clean_ratio;
  const bool manual = manual_;
  manual_ = false;
  if (!delete_hour && !over_clean && !manual) return pass;

  const int64_t expire_before =
      now_millis_() - static_cast<int64_t>(options_.file_reserved_hours) * 3600 * 1000;
  const int64_t dispatched = dispatched_offset_();
  absl::StatusOr<int> deleted = log_->files().DeleteHeadFiles(
      [&](const MappedFile& f) {
        if (f.end_offset() > dispatched) return false;  // not fully dispatched yet
        if (force) return true;
        absl::StatusOr<int64_t> mtime = fs_->ModifiedTimeMillis(f.path());
        return mtime.ok() && *mtime < expire_before;
      },
      options_.max_files_per_pass);
  if (!deleted.ok()) return deleted.status();
  pass.commit_log_files_deleted = *deleted;
  if (*deleted == 0) return pass;

  const int64_t min = log_->min_offset();
  spdlog::info("retention: deleted {} CommitLog files (disk {:.1f}% used{}); log now starts at {}",
               *deleted, pass.disk_used_ratio * 100, force ? ", forced" : "", min);
  for (const std::shared_ptr<ConsumeQueue>& cq : queues_->All()) {
    absl::StatusOr<int> n = cq->DeleteFilesBefore(min);
    if (!n.ok()) return n.status();
    pass.consume_queue_files_deleted += *n;
  }
  if (index_ != nullptr) {
    if (absl::StatusOr<int> n = index_->DeleteFilesBefore(min); !n.ok()) return n.status();
  }
  return pass;
}

}  // namespace tern::engine
