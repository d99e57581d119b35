// recovery.h: decides where the CommitLog's valid data ends when a store opens, and cuts
// everything derived from the part it cannot trust.
//
// Where the scan starts (a record boundary):
//   - with Tern's checkpoint extension: min(durable CommitLog end, durable dispatch point);
//   - without it (a Java-written store, or a missing/torn checkpoint): RocketMQ's rule — the
//     third-last file after a clean shutdown, or after a crash the newest file whose first
//     record is older than the checkpoint's timestamps minus 3 s — and never after the end of
//     what the ConsumeQueues already index, so missing units are rebuilt.
// From there every record is checked (magic, lengths, body CRC). An invalid record:
//   - at or beyond the checkpointed durable end: a torn tail from the crash. The log ends
//     there; everything after it is zero-filled (so stale records can never come back) and
//     later files are deleted.
//   - before it, or with no durable end known, followed by valid records: corruption, not a
//     crash. The bad range is quarantined (kept on disk, never dispatched, never delivered)
//     and reported; the valid records after it are kept, not silently dropped.
// ConsumeQueue units and index entries at or after the scan start are removed; the caller
// re-dispatches [scan_start, end_offset) skipping the quarantined ranges, which rebuilds them
// exactly as a dispatch from scratch would.
//
// Runs single-threaded before the store accepts traffic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/checkpoint.h"
#include "engine/commit_log.h"
#include "engine/consume_queue_table.h"

namespace tern::engine {

struct QuarantinedRange {
  int64_t begin = 0;
  int64_t end = 0;
  std::string reason;
};

struct RecoveryReport {
  bool clean_shutdown = false;
  bool used_checkpoint_extension = false;
  int64_t scan_start = 0;
  int64_t end_offset = 0;       // end of valid CommitLog data after recovery
  int64_t records_scanned = 0;  // valid records checked
  int64_t bytes_scanned = 0;
  int64_t bytes_cut = 0;  // non-zero bytes discarded after end_offset (torn tail)
  int files_deleted = 0;  // CommitLog files beyond the end
  std::vector<QuarantinedRange> quarantined;
  int64_t records_redispatched = 0;  // filled in by the store
  int64_t duration_micros = 0;       // filled in by the store

  std::string Summary() const;
  std::vector<std::pair<int64_t, int64_t>> QuarantineRanges() const;
};

struct RecoveryInputs {
  CommitLog* log = nullptr;
  ConsumeQueueTable* queues = nullptr;
  const StoreCheckpoint* checkpoint = nullptr;
  bool clean_shutdown = false;
  // Removes index entries whose physical offset is >= the argument.
  std::function<absl::Status(int64_t)> truncate_index_from;
};

// Recovers ConsumeQueue ends, scans and truncates the CommitLog, and trims derived data.
absl::StatusOr<RecoveryReport> RecoverStore(const RecoveryInputs& in);

// Offset of the first record at or after `from` in `bytes` that decodes with a valid CRC (and,
// unless `base_offset` is negative, whose PHYSICALOFFSET equals base_offset + its position),
// or -1. Used to resynchronise after corruption (and by the offline repair tool).
int64_t FindNextValidRecord(ByteSpan bytes, size_t from, int64_t base_offset);

}  // namespace tern::engine
