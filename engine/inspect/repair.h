// repair.h: `tern store repair` — fixes what verify finds in a stopped broker's store, keeping
// a backup of every file it changes, and writing nothing unless asked to (`apply`).
//
// What it does, after taking the store's lock (FailedPrecondition if a broker holds it):
//   - CommitLog files of the wrong size are resized to the store's file size (a cut-short last
//     file is zero-extended);
//   - a torn tail is cut at the end of the last valid record (zero-filled, as the broker's own
//     recovery does);
//   - damage in the middle of the log never costs the valid records after it. Each damaged
//     range is, in order of preference: restored, when rewriting TOTALSIZE and MAGICCODE makes
//     it decode as a whole record at its own offset with a matching body CRC (an overwritten
//     header, e.g. a stray BLANK magic); a BLANK filler, when it reaches the end of its file;
//     otherwise overwritten by quarantine records: well-formed records of topic
//     TERN_QUARANTINED with transaction type ROLLBACK, which neither Tern nor a Java broker
//     dispatches or indexes, so the log stays a valid RocketMQ log (a Java broker would
//     otherwise stop its recovery there and truncate everything after it);
//   - the ConsumeQueues, IndexFiles and checkpoint are rebuilt from the CommitLog by the
//     broker's own machinery: they are moved to the backup and the store is opened with
//     engine::MessageStore, whose recovery re-dispatches every record (skipping the quarantined
//     ones, whose queue offsets become filler units) and whose shutdown writes the checkpoint.
//     One rebuild path, the broker's: the result is byte for byte what a broker builds;
//   - config/*.json files that do not decode are restored from a valid .bak.
// Things it will not guess about are refused before anything is written: records claiming
// offsets that do not match their files (a misnamed or misplaced file), gaps between CommitLog
// files, an unknown index geometry.
//
// Backups go to `backup_dir` (default <root>/repair-backup-<UTC time>), mirroring the store's
// layout, with REPAIR.txt describing what was done. Files are copied before being modified and
// moved when they are replaced wholesale.
//
// Thread safety: RepairStore is not reentrant for one store (the lock serialises processes).
// The FileSystem must outlive the call.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/file_system.h"
#include "engine/inspect/verify.h"

namespace tern::inspect {

struct RepairOptions {
  GeometryOverrides geometry;
  std::string delay_levels = std::string(engine::kDefaultDelayLevels);
  bool apply = false;      // false: plan only (dry run)
  std::string backup_dir;  // empty: <root>/repair-backup-<yyyyMMddTHHmmss>
  ProgressFn progress;
};

struct RepairAction {
  std::string file;     // the file changed ("" for store-wide steps)
  int64_t offset = -1;  // where in it
  int64_t length = 0;
  std::string what;  // "cut torn tail", "restored record header", ...
  bool done = false;
};

struct RepairReport {
  VerifyReport before;
  std::vector<RepairAction> actions;
  std::vector<std::string> refused;  // defects left alone, and why
  bool blocked = false;              // a refusal stopped the whole repair
  bool applied = false;
  std::string backup_dir;
  std::string recovery_summary;  // the store's recovery report when it was reopened
  std::optional<VerifyReport> after;

  bool NothingToDo() const { return actions.empty() && refused.empty(); }
};

absl::StatusOr<RepairReport> RepairStore(engine::FileSystem& fs, const std::string& root,
                                         const RepairOptions& options);

std::string RepairReportText(const RepairReport& report);

}  // namespace tern::inspect
