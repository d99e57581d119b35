#include "engine/inspect/repair.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "engine/index/index_file_format.h"
#include "engine/inspect/format_util.h"
#include "engine/inspect/locked_file_system.h"
#include "engine/inspect/log_scanner.h"
#include "engine/inspect/repair_log.h"
#include "engine/inspect/verify_internal.h"
#include "engine/mapped_file.h"
#include "engine/message_store.h"

namespace tern::inspect {
namespace {

using engine::FileSystem;
using engine::JoinPath;

std::string DefaultBackupDir(const std::string& root) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return JoinPath(root,
                  fmt::format("repair-backup-{:04}{:02}{:02}T{:02}{:02}{:02}", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec));
}

class Repairer {
 public:
  Repairer(FileSystem& fs, std::string root, const RepairOptions& options, RepairReport& report)
      : fs_(fs), root_(std::move(root)), options_(options), report_(report) {}

  absl::Status Run();

 private:
  absl::StatusOr<VerifyReport> Verify() const;
  absl::StatusOr<std::unique_ptr<engine::FileLock>> TakeLock() const;
  void PlanResizes();
  void PlanLog();
  void PlanDerived();
  void PlanConfig();
  void Refuse(std::string why, bool blocking) {
    report_.refused.push_back(std::move(why));
    report_.blocked |= blocking;
  }
  RepairAction& Act(std::string file, int64_t offset, int64_t length, std::string what) {
    report_.actions.push_back({std::move(file), offset, length, std::move(what), false});
    return report_.actions.back();
  }

  // Apply steps.
  absl::Status ApplyResizes();
  absl::Status ApplyLog();
  absl::Status ApplyDerived();
  absl::Status ApplyConfig();
  absl::Status Reopen();
  std::string BackupPath(const std::string& path) const {
    return JoinPath(report_.backup_dir, RelativePath(path, root_));
  }
  absl::Status BackupCopy(const std::string& path);
  absl::Status BackupMove(const std::string& path);
  absl::StatusOr<std::shared_ptr<engine::MappedFile>> MapWritable(const std::string& path,
                                                                  int64_t from);

  FileSystem& fs_;
  const std::string root_;
  const RepairOptions& options_;
  RepairReport& report_;
  std::set<std::string> backed_up_;
  bool rebuild_ = false;         // reopen the store
  bool rebuild_queues_ = false;  // ... after moving the ConsumeQueues and index away
  // Planned log edits: the damage each action fixes (parallel to the actions planned by
  // PlanLog, in order).
  struct LogEdit {
    enum Kind { kCut, kRestore, kBlank, kQuarantine } kind;
    LogDamage damage;
    size_t action;
  };
  std::vector<LogEdit> edits_;
  struct ConfigRestore {
    std::string path;
    size_t action;
  };
  std::vector<ConfigRestore> config_;
  std::vector<std::pair<FileEntry, size_t>> resizes_;
};

absl::StatusOr<VerifyReport> Repairer::Verify() const {
  VerifyOptions v;
  v.geometry = options_.geometry;
  v.delay_levels = options_.delay_levels;
  v.progress = options_.progress;
  v.max_defects_per_kind = 1000;
  return VerifyStore(fs_, root_, v);
}

absl::StatusOr<std::unique_ptr<engine::FileLock>> Repairer::TakeLock() const {
  const std::string path = JoinPath(root_, "lock");
  if (!options_.apply && !fs_.Exists(path)) return std::unique_ptr<engine::FileLock>();
  absl::StatusOr<std::unique_ptr<engine::FileLock>> lock = fs_.LockFile(path);
  if (lock.ok()) return lock;
  if (lock.status().code() == absl::StatusCode::kFailedPrecondition) {
    return absl::FailedPreconditionError(fmt::format(
        "{} is locked by a running broker (or another tool): stop it before repairing", path));
  }
  if (!options_.apply) return std::unique_ptr<engine::FileLock>();  // a dry run may be read-only
  return lock.status();
}

void Repairer::PlanResizes() {
  const StoreLayout& l = report_.before.layout;
  for (const FileEntry& f : l.commit_log_files) {
    if (f.size == l.geometry.commit_log_file_size) continue;
    resizes_.emplace_back(f, report_.actions.size());
    Act(f.path, -1, static_cast<int64_t>(f.size),
        fmt::format("resize from {} to {} bytes{}", f.size, l.geometry.commit_log_file_size,
                    f.size < l.geometry.commit_log_file_size ? " (zero-extended)"
                                                             : " (bytes beyond it dropped)"));
  }
}

void Repairer::PlanLog() {
  const VerifyReport& v = report_.before;
  if (v.count_by_kind.contains("commitlog_gap") ||
      v.count_by_kind.contains("commitlog_misaligned")) {
    Refuse(
        "CommitLog files are missing or misaligned (see the layout defects): restore them "
        "from a copy, or move the files after the gap away, by hand",
        true);
  }
  for (const LogDamage& d : v.damages) {
    const int64_t at = d.begin - d.file_start;
    const int64_t len = d.end - d.begin;
    switch (d.kind) {
      case DamageKind::kMisplaced:
        Refuse(fmt::format("{} @ {}: {} — not repaired automatically", d.file, at, d.reason), true);
        continue;
      case DamageKind::kTornTail:
        edits_.push_back({LogEdit::kCut, d, report_.actions.size()});
        Act(d.file, at, len, fmt::format("cut torn tail ({}): zero-filled", d.reason));
        continue;
      case DamageKind::kCorrupt:
        break;
    }
    // Mid-log damage: decide from the bytes as they are now.
    absl::StatusOr<std::shared_ptr<engine::MappedFile>> map = MapReadOnly(
        &fs_, FileEntry{"", d.file, d.file_start, static_cast<uint64_t>(d.end - d.file_start)});
    const bool restorable =
        map.ok() && internal::HeaderRestorable(
                        ByteSpan((*map)->data() + at, static_cast<size_t>(len)), d.begin);
    if (restorable) {
      edits_.push_back({LogEdit::kRestore, d, report_.actions.size()});
      Act(d.file, at, len,
          fmt::format("restored the record header ({}): the record decodes whole, CRC included",
                      d.reason));
    } else if (d.reaches_file_end && len >= 8) {
      edits_.push_back({LogEdit::kBlank, d, report_.actions.size()});
      Act(d.file, at, len,
          fmt::format("BLANK filler over the damaged file tail ({}); next file untouched",
                      d.reason));
    } else if (static_cast<size_t>(len) >= internal::MinQuarantineSize()) {
      edits_.push_back({LogEdit::kQuarantine, d, report_.actions.size()});
      Act(d.file, at, len,
          fmt::format("quarantined ({}) as {} records; the valid records after it are kept",
                      d.reason, kQuarantineTopic));
    } else {
      Refuse(fmt::format("{} @ {}: {} bytes of damage ({}) too short to quarantine; left in "
                         "place (the broker's recovery skips it)",
                         d.file, at, len, d.reason),
             false);
    }
  }
}

void Repairer::PlanDerived() {
  const VerifyReport& v = report_.before;
  bool queues = !edits_.empty() || !resizes_.empty();
  bool checkpoint = false;
  for (const Defect& d : v.defects) {
    if (d.severity != Severity::kDefect) continue;
    if (d.area == "consumequeue" || d.area == "index" || d.kind.starts_with("cq_") ||
        d.kind.starts_with("index_")) {
      queues = true;
    } else if (d.area == "checkpoint") {
      checkpoint = true;
    }
  }
  if (!queues && !checkpoint) return;
  if (queues && !v.layout.geometry.index_geometry_known) {
    Refuse("the index geometry is unknown: pass --index-slots and --index-num", true);
    return;
  }
  rebuild_ = true;
  rebuild_queues_ = queues;
  Act("", -1, 0,
      queues ? "rebuilt consumequeue/, index/ and checkpoint from the CommitLog (the old ones "
               "moved to the backup; the broker's own recovery and dispatch re-created them)"
             : "rewrote the checkpoint (the store was opened and shut down cleanly by the "
               "broker's own code; the old checkpoint, if any, moved to the backup)");
}

void Repairer::PlanConfig() {
  for (const Defect& d : report_.before.defects) {
    if (d.kind != "config_invalid") continue;
    absl::StatusOr<std::string> bak = fs_.ReadFile(d.file + ".bak");
    const std::string name = d.file.substr(d.file.rfind('/') + 1);
    if (bak.ok() && internal::CheckConfigText(name, *bak).ok()) {
      config_.push_back({d.file, report_.actions.size()});
      Act(d.file, -1, 0, fmt::format("restored from {}.bak", name));
    } else {
      Refuse(fmt::format("{}: does not decode and has no valid .bak; restore it by hand", d.file),
             false);
    }
  }
}

absl::Status Repairer::BackupCopy(const std::string& path) {
  if (!backed_up_.insert(path).second) return absl::OkStatus();
  const std::string dst = BackupPath(path);
  TERN_RETURN_IF_ERROR(fs_.CreateDirs(engine::ParentDir(dst)));
  TERN_ASSIGN_OR_RETURN(const uint64_t size, fs_.FileSize(path));
  if (size == 0) return fs_.WriteFile(dst, "", engine::SyncMode::kSync);
  TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> src,
                        engine::MappedFile::Open(&fs_, path, 0, 0, engine::Access::kReadOnly));
  return fs_.WriteFile(dst, AsChars(ByteSpan(src->data(), src->size())), engine::SyncMode::kSync);
}

absl::Status Repairer::BackupMove(const std::string& path) {
  backed_up_.insert(path);
  const std::string dst = BackupPath(path);
  TERN_RETURN_IF_ERROR(fs_.CreateDirs(engine::ParentDir(dst)));
  TERN_RETURN_IF_ERROR(fs_.Rename(path, dst));
  TERN_RETURN_IF_ERROR(fs_.SyncDir(engine::ParentDir(dst)));
  return fs_.SyncDir(engine::ParentDir(path));
}

absl::StatusOr<std::shared_ptr<engine::MappedFile>> Repairer::MapWritable(const std::string& path,
                                                                          int64_t from) {
  TERN_RETURN_IF_ERROR(BackupCopy(path));
  return engine::MappedFile::Open(&fs_, path, from, 0, engine::Access::kReadWrite);
}

absl::Status Repairer::ApplyResizes() {
  const uint64_t size = report_.before.layout.geometry.commit_log_file_size;
  for (const auto& [f, action] : resizes_) {
    TERN_RETURN_IF_ERROR(BackupMove(f.path));
    TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> old,
                          engine::MappedFile::Open(&fs_, BackupPath(f.path), f.from_offset, 0,
                                                   engine::Access::kReadOnly));
    TERN_ASSIGN_OR_RETURN(std::unique_ptr<engine::MappedRegion> fresh,
                          fs_.CreateAndMap(f.path, size));
    std::memcpy(fresh->data(), old->data(), std::min<size_t>(old->size(), size));
    TERN_RETURN_IF_ERROR(fs_.SyncRegion(*fresh, 0, size));
    TERN_RETURN_IF_ERROR(fs_.SyncDir(engine::ParentDir(f.path)));
    report_.actions[action].done = true;
  }
  return absl::OkStatus();
}

absl::Status Repairer::ApplyLog() {
  for (const LogEdit& e : edits_) {
    const LogDamage& d = e.damage;
    TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> f, MapWritable(d.file, d.file_start));
    const auto at = static_cast<size_t>(d.begin - d.file_start);
    const auto len = static_cast<size_t>(d.end - d.begin);
    if (at + len > f->size())
      return absl::DataLossError(fmt::format("{} changed under repair", d.file));
    const MutableByteSpan range(f->data() + at, len);
    switch (e.kind) {
      case LogEdit::kCut:
        TERN_RETURN_IF_ERROR(f->TruncateTo(at));
        break;
      case LogEdit::kRestore:
        internal::RestoreHeader(range);
        TERN_RETURN_IF_ERROR(f->SyncRange(at, at + 8));
        break;
      case LogEdit::kBlank:
        TERN_RETURN_IF_ERROR(f->TruncateTo(at));
        engine::EncodeBlank(range.data(), static_cast<int32_t>(len));
        TERN_RETURN_IF_ERROR(f->SyncRange(at, at + 8));
        break;
      case LogEdit::kQuarantine: {
        const int n =
            internal::WriteQuarantine(range, d.begin, d.store_timestamp_before,
                                      fmt::format("{} at [{}, {})", d.reason, d.begin, d.end));
        TERN_RETURN_IF_ERROR(f->SyncRange(at, at + len));
        report_.actions[e.action].what += fmt::format(" ({} record{})", n, n == 1 ? "" : "s");
        break;
      }
    }
    report_.actions[e.action].done = true;
  }
  return absl::OkStatus();
}

absl::Status Repairer::ApplyDerived() {
  const StoreLayout& l = report_.before.layout;
  std::vector<std::string> paths = {l.CheckpointPath()};
  if (rebuild_queues_) {
    paths.push_back(l.QueueRoot());
    paths.push_back(l.IndexDir());
  }
  for (const std::string& path : paths) {
    if (fs_.Exists(path)) TERN_RETURN_IF_ERROR(BackupMove(path));
  }
  return absl::OkStatus();
}

absl::Status Repairer::ApplyConfig() {
  for (const ConfigRestore& c : config_) {
    TERN_RETURN_IF_ERROR(BackupCopy(c.path));
    TERN_ASSIGN_OR_RETURN(const std::string bak, fs_.ReadFile(c.path + ".bak"));
    const std::string tmp = c.path + ".repair.tmp";
    TERN_RETURN_IF_ERROR(fs_.WriteFile(tmp, bak, engine::SyncMode::kSync));
    TERN_RETURN_IF_ERROR(fs_.Rename(tmp, c.path));
    TERN_RETURN_IF_ERROR(fs_.SyncDir(engine::ParentDir(c.path)));
    report_.actions[c.action].done = true;
  }
  return absl::OkStatus();
}

absl::Status Repairer::Reopen() {
  const StoreLayout& l = report_.before.layout;
  const StoreGeometry& g = l.geometry;
  LockedFileSystem locked(&fs_, JoinPath(root_, "lock"));
  engine::StoreOptions o;
  o.root_dir = root_;
  o.commit_log.file_size = g.commit_log_file_size;
  o.consume_queue_units_per_file = g.cq_units_per_file;
  o.index_enable = !l.index_files.empty() || fs_.IsDirectory(l.IndexDir()) ||
                   fs_.IsDirectory(BackupPath(l.IndexDir()));
  o.index_hash_slot_num = g.index_hash_slot_num;
  o.index_num = g.index_num;
  o.preallocate_commit_log = false;
  o.delay_levels = options_.delay_levels;
  // Nothing but recovery and re-dispatch: no retention while the store is open here.
  o.retention.delete_when_hour = -1;
  o.retention.file_reserved_hours = 1 << 30;
  o.retention.clean_ratio = o.retention.force_clean_ratio = o.retention.refuse_writes_ratio = 2.0;
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<engine::MessageStore> store,
                        engine::MessageStore::Open(o, &locked));
  report_.recovery_summary = store->recovery_report().Summary();
  store->Shutdown();
  for (RepairAction& a : report_.actions) {
    if (a.file.empty()) a.done = true;  // the rebuild
  }
  return absl::OkStatus();
}

absl::Status Repairer::Run() {
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<engine::FileLock> lock, TakeLock());
  if (!options_.apply) lock.reset();  // a dry run only checks that no broker holds it
  TERN_ASSIGN_OR_RETURN(report_.before, Verify());
  PlanResizes();
  if (!resizes_.empty() && options_.apply) {
    report_.backup_dir =
        options_.backup_dir.empty() ? DefaultBackupDir(root_) : options_.backup_dir;
    TERN_RETURN_IF_ERROR(ApplyResizes());
    TERN_ASSIGN_OR_RETURN(report_.before, Verify());
  }
  PlanLog();
  PlanDerived();
  PlanConfig();
  if (!options_.apply || report_.blocked || report_.NothingToDo()) return absl::OkStatus();
  if (report_.backup_dir.empty()) {
    report_.backup_dir =
        options_.backup_dir.empty() ? DefaultBackupDir(root_) : options_.backup_dir;
  }
  TERN_RETURN_IF_ERROR(fs_.CreateDirs(report_.backup_dir));
  TERN_RETURN_IF_ERROR(ApplyLog());
  TERN_RETURN_IF_ERROR(ApplyConfig());
  if (rebuild_) {
    TERN_RETURN_IF_ERROR(ApplyDerived());
    TERN_RETURN_IF_ERROR(Reopen());
  }
  report_.applied = true;
  TERN_ASSIGN_OR_RETURN(report_.after, Verify());
  return fs_.WriteFile(JoinPath(report_.backup_dir, "REPAIR.txt"), RepairReportText(report_),
                       engine::SyncMode::kSync);
}

}  // namespace

absl::StatusOr<RepairReport> RepairStore(FileSystem& fs, const std::string& root,
                                         const RepairOptions& options) {
  RepairReport report;
  Repairer r(fs, root, options, report);
  TERN_RETURN_IF_ERROR(r.Run());
  return report;
}

std::string RepairReportText(const RepairReport& r) {
  const std::string& root = r.before.layout.root;
  std::string out = fmt::format("store {}: {} defects, {} warnings found\n", root,
                                r.before.defect_count, r.before.warning_count);
  if (r.NothingToDo()) return out + "nothing to repair\n";
  out += r.applied   ? fmt::format("repaired (backup of every changed file in {}):\n", r.backup_dir)
         : r.blocked ? "not repaired: see the refusals below; planned:\n"
                     : "plan (dry run, nothing written; rerun with --yes to apply):\n";
  for (const RepairAction& a : r.actions) {
    out += fmt::format("  {} {}", r.applied ? (a.done ? "done" : "NOT DONE") : "-",
                       a.file.empty() ? std::string("store") : RelativePath(a.file, root));
    if (a.offset >= 0) out += fmt::format(" @ {}", a.offset);
    if (a.length > 0) out += fmt::format(" ({} bytes)", a.length);
    out += fmt::format(": {}\n", a.what);
  }
  if (!r.refused.empty()) {
    out += "refused:\n";
    for (const std::string& s : r.refused) out += fmt::format("  - {}\n", s);
  }
  if (!r.recovery_summary.empty()) {
    out += fmt::format("store reopened: {}\n", r.recovery_summary);
  }
  if (r.after) {
    out += r.after->clean()
               ? fmt::format("verify after repair: clean ({} warnings)\n", r.after->warning_count)
               : fmt::format("verify after repair: {} defects remain\n", r.after->defect_count);
    if (!r.after->clean()) {
      for (const Defect& d : r.after->defects) {
        if (d.severity != Severity::kDefect) continue;
        out += fmt::format("  {}/{} {} @ {}: {}\n", d.area, d.kind, RelativePath(d.file, root),
                           d.offset, d.message);
      }
    }
  }
  return out;
}

}  // namespace tern::inspect
