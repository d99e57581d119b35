// verify.h: the offline consistency check of a store directory (`tern store verify`).
//
// Read-only; safe on a live broker's store (results then describe a moving target: a record
// being appended may show up as a torn tail). Checks, in order:
//   layout       file names (20-digit offsets, contiguous, aligned), sizes vs the geometry;
//   commitlog    every record: magic, TOTALSIZE vs field lengths, body CRC, PHYSICALOFFSET vs
//                position (file name + offset), BLANK fillers only at file tails and hiding no
//                records, queue offsets ascending per queue; where valid data ends; torn tails;
//   consumequeue every unit against the CommitLog record it points at (offset, size, topic,
//                queue, queue offset, tags code — a delivery time for SCHEDULE_TOPIC_XXXX), filler
//                units (0, INT_MAX, 0) accepted (protocol.md 5.1), zero space after each queue's
//                end, and every dispatched record having its unit;
//   index        each IndexFile's header and hash chains (IndexFile::Validate), and every entry
//                pointing at a record carrying that key;
//   checkpoint   present, readable, not ahead of the log; abort and lock files noted;
//   config       every config/*.json (and .bak) decodes with the broker's own decoders.
// Every defect names its file and the byte offset in it (and the CommitLog offset and record
// ordinal where they apply). Memory is bounded: one CommitLog file is mapped at a time, and
// per-queue state is a list of queue-offset spans.
//
// Thread safety: VerifyStore is reentrant; a report is a plain value. The FileSystem must
// outlive the call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/delay_levels.h"
#include "engine/file_system.h"
#include "engine/inspect/log_scanner.h"
#include "engine/inspect/progress.h"
#include "engine/inspect/store_layout.h"

namespace tern::inspect {

// Topic of the records `repair` writes over corrupt ranges (transaction type ROLLBACK: never
// dispatched, never indexed, by Tern or Java).
inline constexpr std::string_view kQuarantineTopic = "TERN_QUARANTINED";

enum class Severity { kDefect, kWarning };

struct Defect {
  Severity severity = Severity::kDefect;
  std::string area;           // layout, commitlog, consumequeue, index, checkpoint, config, store
  std::string kind;           // machine-readable, e.g. "corrupt_record", "cq_past_end"
  std::string file;           // path ("" when not about one file)
  int64_t offset = -1;        // byte offset in `file` (-1: the file as a whole)
  int64_t log_offset = -1;    // absolute CommitLog offset, when it applies
  int64_t record_index = -1;  // ordinal of the CommitLog record, when it applies
  int64_t length = 0;         // bytes affected, when known
  std::string message;
};

struct VerifyOptions {
  GeometryOverrides geometry;
  // The broker's messageDelayLevel (SCHEDULE_TOPIC_XXXX tags codes are delivery times).
  std::string delay_levels = std::string(engine::kDefaultDelayLevels);
  bool check_queues = true;
  bool check_index = true;
  // Defects kept per kind (all are counted).
  size_t max_defects_per_kind = 50;
  ProgressFn progress;
};

struct VerifyReport {
  StoreLayout layout;
  // CommitLog.
  int64_t log_min_offset = 0;
  int64_t log_end_offset = 0;  // end of valid data
  int64_t bytes_walked = 0;
  int64_t records = 0;
  int64_t blanks = 0;
  int64_t quarantined_records = 0;  // tombstones left by an earlier repair
  int64_t first_store_timestamp = 0;
  int64_t last_store_timestamp = 0;
  std::vector<LogDamage> damages;  // every damaged range, in log order
  // ConsumeQueues.
  int64_t queues = 0;
  int64_t cq_units = 0;
  int64_t cq_fillers = 0;
  // Index.
  int64_t index_files = 0;
  int64_t index_entries = 0;
  // Findings.
  std::vector<Defect> defects;  // at most max_defects_per_kind of each kind
  int64_t defect_count = 0;
  int64_t warning_count = 0;
  std::map<std::string, int64_t> count_by_kind;
  double seconds = 0;

  bool clean() const { return defect_count == 0; }
  int64_t CountOf(std::string_view area) const;  // defects (not warnings) in an area
};

absl::StatusOr<VerifyReport> VerifyStore(engine::FileSystem& fs, const std::string& root,
                                         const VerifyOptions& options);

// Human-readable summary and defect list.
std::string VerifyReportText(const VerifyReport& report);
// One JSON document (the --json report).
std::string VerifyReportJson(const VerifyReport& report);

}  // namespace tern::inspect
