// consume_queue.h: the index of one (topic, queueId): queue offset k -> 20-byte unit
// (CommitLog physical offset, record size, tags code) at byte k * 20 of the queue's files.
//
// The ConsumeQueue is derived data: the dispatcher appends units as it tails the CommitLog,
// and recovery rebuilds any suffix it cannot trust from the CommitLog. A queue offset with no
// message (the front of a queue rebuilt after old files were deleted, or a record that
// recovery quarantined as corrupt) holds a filler unit, so unit k always belongs to queue
// offset k.
//
// Thread safety: one writer (the dispatcher, or recovery before the store opens) calls Put,
// TruncateFromPhysical, RecoverEnd, DeleteFilesBefore; any thread may read concurrently.
// The writer publishes each unit (file write position, then max_offset with release order)
// after its bytes are written, and readers never look at or beyond max_offset(). Reads pin
// the file they return bytes from.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/consume_queue_format.h"
#include "engine/file_system.h"
#include "engine/mapped_file_queue.h"
#include "engine/topic_name.h"

namespace tern::engine {

// Consecutive units inside one file, pinned.
struct CqUnits {
  std::shared_ptr<MappedFile> pin;
  const uint8_t* data = nullptr;
  int64_t first_offset = 0;  // queue offset of unit 0
  int count = 0;
  CqUnit at(int i) const { return DecodeCqUnit(data + static_cast<size_t>(i) * kCqUnitSize); }
};

class ConsumeQueue {
 public:
  // Files live in `root`/`topic`/`queue_id`/, `units_per_file` units each.
  ConsumeQueue(FileSystem* fs, const std::string& root, std::string topic, int32_t queue_id,
               size_t units_per_file);
  ConsumeQueue(const ConsumeQueue&) = delete;
  ConsumeQueue& operator=(const ConsumeQueue&) = delete;

  const std::string& topic() const { return topic_; }
  int32_t queue_id() const { return queue_id_; }
  MappedFileQueue& files() { return files_; }
  const MappedFileQueue& files() const { return files_; }

  // Maps existing files (positions at the file end until RecoverEnd).
  absl::Status Load(Access access);
  // Finds the end of valid units (RocketMQ's rule: scan from the third-last file until a unit
  // with offset < 0 or size <= 0), zero-fills everything after it and sets min/max.
  absl::Status RecoverEnd();
  // Recovery: removes the trailing units whose physical offset is >= `physical_offset`
  // (re-dispatch rebuilds them), zero-filling what it removes.
  absl::Status TruncateFromPhysical(int64_t physical_offset);

  // Dispatcher: the unit of the record with `queue_offset`. A record already covered
  // (its end <= max_physical_end(), or its queue offset below max_offset()) is skipped, so
  // re-dispatching is idempotent; a queue offset beyond max_offset() gets filler units for
  // the gap.
  absl::Status Put(int64_t physical_offset, int32_t size, int64_t tags_code, int64_t queue_offset);

  // Queue offsets: [min_offset, max_offset) are readable (max is exclusive).
  int64_t min_offset() const { return min_offset_.load(std::memory_order_acquire); }
  int64_t max_offset() const { return max_offset_.load(std::memory_order_acquire); }
  // End (offset + size) of the last real unit's record; 0 when none.
  int64_t max_physical_end() const { return max_physical_end_.load(std::memory_order_acquire); }

  std::optional<CqUnit> Get(int64_t queue_offset) const;
  // Up to `max_count` units from `queue_offset`, all in the file holding it.
  std::optional<CqUnits> GetUnits(int64_t queue_offset, int max_count) const;
  // First queue offset of the file after the one holding `queue_offset`.
  int64_t RollNextFile(int64_t queue_offset) const;

  // Syncs units written since the last flush.
  absl::Status Flush();

  // Retention: deletes head files whose last unit points below `commit_log_min_offset`
  // (never the last file) and moves min_offset to the first unit at or above it.
  absl::StatusOr<int> DeleteFilesBefore(int64_t commit_log_min_offset);
  void CorrectMinOffset(int64_t commit_log_min_offset);

  // Deletes every file and the queue's directory.
  absl::Status Destroy();

 private:
  absl::Status WriteUnitAt(int64_t queue_offset, const CqUnit& unit);
  int64_t ScanFirstRealUnit() const;
  void RefreshTailState();

  const std::string topic_;
  const int32_t queue_id_;
  const size_t units_per_file_;
  MappedFileQueue files_;
  // Writer-only: the file units are appended to (saves a lookup under the list lock per unit).
  std::shared_ptr<MappedFile> tail_;
  std::atomic<int64_t> min_offset_{0};
  std::atomic<int64_t> max_offset_{0};
  std::atomic<int64_t> max_physical_end_{0};
};

}  // namespace tern::engine
