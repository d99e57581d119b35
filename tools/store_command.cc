#include "tools/store_command.h"

#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "engine/base/strings.h"
#include "engine/file_system.h"
#include "engine/inspect/format_util.h"
#include "engine/inspect/repair.h"
#include "engine/inspect/verify.h"

namespace tern::tools {
namespace {

using inspect::FormatBytes;

// Geometry and delay-level flags every subcommand takes.
struct CommonFlags {
  std::string dir;
  uint64_t commit_log_file_size = 0;
  uint64_t cq_units_per_file = 0;
  int32_t index_slots = 0;
  int32_t index_num = 0;
  std::string delay_levels = std::string(engine::kDefaultDelayLevels);
  bool json = false;
  bool no_progress = false;

  inspect::GeometryOverrides Geometry() const {
    inspect::GeometryOverrides g;
    if (commit_log_file_size > 0) g.commit_log_file_size = commit_log_file_size;
    if (cq_units_per_file > 0) g.cq_units_per_file = cq_units_per_file;
    if (index_slots > 0) g.index_hash_slot_num = index_slots;
    if (index_num > 0) g.index_num = index_num;
    return g;
  }
};

void AddCommonFlags(CLI::App* cmd, CommonFlags& f) {
  cmd->add_option("dir", f.dir, "store root (storePathRootDir)")->required();
  cmd->add_option("--commitlog-file-size", f.commit_log_file_size,
                  "CommitLog file size in bytes (mappedFileSizeCommitLog; inferred if unset)");
  cmd->add_option("--cq-units", f.cq_units_per_file,
                  "ConsumeQueue units per file (mappedFileSizeConsumeQueue / 20; inferred)");
  cmd->add_option("--index-slots", f.index_slots, "maxHashSlotNum (inferred from the files)");
  cmd->add_option("--index-num", f.index_num, "maxIndexNum (inferred from the files)");
  cmd->add_option("--delay-levels", f.delay_levels, "messageDelayLevel of the broker");
  cmd->add_flag("--json", f.json, "machine-readable output");
  cmd->add_flag("--no-progress", f.no_progress, "no progress bar on stderr");
}

// A one-line progress bar on stderr, drawn only when stderr is a terminal, at most 10 times a
// second.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() { Clear(); }

  inspect::ProgressFn Fn() {
    if (!enabled_) return nullptr;
    return
        [this](std::string_view phase, int64_t done, int64_t total) { Draw(phase, done, total); };
  }

  void Clear() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  void Draw(std::string_view phase, int64_t done, int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (phase != phase_) {
      phase_ = std::string(phase);
      start_ = now;
    } else if (now - last_ < std::chrono::milliseconds(100)) {
      return;
    }
    last_ = now;
    const double pct =
        total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0;
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::string line = fmt::format("\r\033[K{} {:5.1f}%", phase_, pct);
    if (phase_ == "commitlog") {
      line += fmt::format("  {} / {}", FormatBytes(done), FormatBytes(total));
      if (secs > 0.2) line += fmt::format("  {:.0f} MB/s", static_cast<double>(done) / 1e6 / secs);
    } else {
      line += fmt::format("  {} / {}", done, total);
    }
    std::fputs(line.c_str(), stderr);
    drawn_ = true;
  }

  const bool enabled_;
  bool drawn_ = false;
  std::string phase_;
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::time_point last_{};
};

// The engine logs through spdlog; keep the tools' stdout for their output.
void QuietEngineLogs() {
  auto logger = spdlog::stderr_color_mt("tern-store");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

// The `tern` main blocks SIGINT/SIGTERM for its servers; the read-only tools can simply die
// on them.
void UnblockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

int CannotRead(const absl::Status& s) {
  std::fprintf(stderr, "tern store: %s\n", std::string(MessageOf(s)).c_str());
  return 2;
}

int RunVerify(const CommonFlags& f, size_t max_defects, bool skip_queues, bool skip_index) {
  ProgressBar bar(!f.no_progress);
  inspect::VerifyOptions o;
  o.geometry = f.Geometry();
  o.delay_levels = f.delay_levels;
  o.max_defects_per_kind = max_defects;
  o.check_queues = !skip_queues;
  o.check_index = !skip_index;
  o.progress = bar.Fn();
  absl::StatusOr<inspect::VerifyReport> r =
      inspect::VerifyStore(*engine::DefaultFileSystem(), f.dir, o);
  bar.Clear();
  if (!r.ok()) return CannotRead(r.status());
  const std::string out =
      f.json ? inspect::VerifyReportJson(*r) + "\n" : inspect::VerifyReportText(*r);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return r->clean() ? 0 : 1;
}

int RunRepair(const CommonFlags& f, bool yes, const std::string& backup_dir) {
  ProgressBar bar(!f.no_progress);
  inspect::RepairOptions o;
  o.geometry = f.Geometry();
  o.delay_levels = f.delay_levels;
  o.apply = yes;
  o.backup_dir = backup_dir;
  o.progress = bar.Fn();
  absl::StatusOr<inspect::RepairReport> r =
      inspect::RepairStore(*engine::DefaultFileSystem(), f.dir, o);
  bar.Clear();
  if (!r.ok()) return CannotRead(r.status());
  const std::string out = inspect::RepairReportText(*r);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (r->NothingToDo()) return 0;
  if (r->blocked) return 2;
  if (!r->applied) return 1;
  return r->after && r->after->clean() ? 0 : 1;
}

}  // namespace

CLI::App* AddStoreCommand(CLI::App& app, int* exit_code) {
  CLI::App* store = app.add_subcommand(
      "store", "offline tools for a stopped broker's store directory (read-only unless told)");
  store->require_subcommand(1);

  auto verify_flags = std::make_shared<CommonFlags>();
  auto max_defects = std::make_shared<size_t>(50);
  auto skip_queues = std::make_shared<bool>(false);
  auto skip_index = std::make_shared<bool>(false);
  CLI::App* verify = store->add_subcommand(
      "verify",
      "check every CommitLog record, ConsumeQueue unit, index entry, checkpoint and "
      "config file; exit 0 clean, 1 defects, 2 cannot read");
  AddCommonFlags(verify, *verify_flags);
  verify->add_option("--max-defects", *max_defects, "defects listed per kind (all are counted)");
  verify->add_flag("--skip-consumequeue", *skip_queues, "do not check ConsumeQueues");
  verify->add_flag("--skip-index", *skip_index, "do not check IndexFiles");
  verify->callback([=] {
    QuietEngineLogs();
    UnblockStopSignals();
    *exit_code = RunVerify(*verify_flags, *max_defects, *skip_queues, *skip_index);
  });
  auto repair_flags = std::make_shared<CommonFlags>();
  auto yes = std::make_shared<bool>(false);
  auto backup_dir = std::make_shared<std::string>();
  CLI::App* repair = store->add_subcommand(
      "repair",
      "fix what verify finds (dry run unless --yes; backs up every changed file); "
      "exit 0 repaired or clean, 1 defects remain or dry run, 2 refused or locked");
  AddCommonFlags(repair, *repair_flags);
  repair->add_flag("--yes", *yes, "write the repairs (default: only print the plan)");
  repair->add_option("--backup-dir", *backup_dir,
                     "where changed files are kept (default <dir>/repair-backup-<time>)");
  repair->callback([=] {
    QuietEngineLogs();  // SIGINT/SIGTERM stay blocked: a repair is never cut half-way
    *exit_code = RunRepair(*repair_flags, *yes, *backup_dir);
  });
  return store;
}

}  // namespace tern::tools
