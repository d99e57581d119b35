// stat.h: `tern store stat` — what a store holds, per topic and queue, and what it costs.
//
// One streaming walk of the CommitLog (messages, bytes, queue-offset range and store-time
// range per queue), each ConsumeQueue's readable range (first real unit whose record is still
// in the log, end of valid units), consumer-group lag from config/consumerOffset.json
// (queue end minus committed offset), disk use per file kind, and when each CommitLog file is
// expected to be deleted by retention (last write + fileReservedTime, at the next deleteWhen
// hour; sooner when the disk is above diskMaxUsedSpaceRatio).
//
// Read-only; safe on a live store. Thread safety: StatStore is reentrant; results are plain
// values. The FileSystem must outlive the call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/file_system.h"
#include "engine/inspect/progress.h"
#include "engine/inspect/store_layout.h"

namespace tern::inspect {

struct QueueStat {
  std::string topic;
  int32_t queue_id = 0;
  // From the CommitLog walk (every record of the queue, dispatched or not).
  int64_t messages = 0;
  int64_t bytes = 0;
  int64_t min_queue_offset = -1;  // of dispatched records; -1 when none
  int64_t max_queue_offset = -1;
  int64_t oldest_store_timestamp = 0;
  int64_t newest_store_timestamp = 0;
  // From the ConsumeQueue (what consumers see): [cq_min, cq_max), -1 when there is none.
  int64_t cq_min = -1;
  int64_t cq_max = -1;
};

struct GroupLag {
  std::string group;
  std::string topic;
  struct Queue {
    int32_t queue_id = 0;
    int64_t committed = 0;  // -1: nothing committed
    int64_t max_offset = 0;
    int64_t lag = 0;
  };
  std::vector<Queue> queues;
  int64_t total_lag = 0;
};

struct DiskUse {
  std::string kind;  // commitlog, consumequeue, index, config, other
  int64_t files = 0;
  int64_t bytes = 0;
};

struct FileExpiry {
  std::string name;
  int64_t last_write = 0;  // ms
  int64_t expires = 0;     // last_write + reserved hours
  int64_t deleted_at = 0;  // expected deletion time (ms); 0 for the active (last) file
};

struct StatOptions {
  GeometryOverrides geometry;
  int reserved_hours = 72;    // fileReservedTime
  int delete_hour = 4;        // deleteWhen (local time)
  double clean_ratio = 0.75;  // diskMaxUsedSpaceRatio
  ProgressFn progress;
};

struct StoreStat {
  StoreLayout layout;
  int64_t records = 0;
  int64_t log_min_offset = 0;
  int64_t log_end_offset = 0;
  int64_t damaged_ranges = 0;
  std::vector<QueueStat> queues;  // sorted by topic, queue id
  std::vector<GroupLag> lags;     // sorted by group, topic
  std::string lag_note;           // why lags are missing, if they are
  std::vector<DiskUse> disk;
  engine::DiskUsage file_system;
  std::vector<FileExpiry> expiry;  // per CommitLog file, oldest first
  int reserved_hours = 72;
  int delete_hour = 4;
  double clean_ratio = 0.75;
};

absl::StatusOr<StoreStat> StatStore(engine::FileSystem& fs, const std::string& root,
                                    const StatOptions& options);

std::string StatText(const StoreStat& stat);
std::string StatJson(const StoreStat& stat);

}  // namespace tern::inspect
