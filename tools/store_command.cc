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
#include "engine/inspect/dump.h"
#include "engine/inspect/find.h"
#include "engine/inspect/format_util.h"
#include "engine/inspect/repair.h"
#include "engine/inspect/stat.h"
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

// Message output flags of dump and find.
struct OutputFlags {
  std::string body = "text";
  size_t max_body = 4096;
  bool no_inflate = false;

  absl::StatusOr<inspect::MessageFormat> Format(bool json) const {
    inspect::MessageFormat f;
    f.json = json;
    f.max_body = max_body;
    f.inflate = !no_inflate;
    if (body == "text") {
      f.body = inspect::BodyFormat::kText;
    } else if (body == "hex") {
      f.body = inspect::BodyFormat::kHex;
    } else if (body == "base64") {
      f.body = inspect::BodyFormat::kBase64;
    } else if (body == "none") {
      f.body = inspect::BodyFormat::kNone;
    } else {
      return absl::InvalidArgumentError(
          fmt::format("--body must be text, hex, base64 or none, not '{}'", body));
    }
    return f;
  }
};

void AddOutputFlags(CLI::App* cmd, OutputFlags& f) {
  cmd->add_option("--body", f.body, "body as text, hex, base64 or none (default text)");
  cmd->add_option("--max-body", f.max_body, "body bytes shown, 0 = all (default 4096)");
  cmd->add_flag("--no-inflate", f.no_inflate, "show zlib-compressed bodies as stored");
}

void PrintLine(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

void PrintNote(std::string_view note) {
  std::fprintf(stderr, "# %.*s\n", static_cast<int>(note.size()), note.data());
}

struct DumpFlags {
  std::string topic;
  int32_t queue = -1;
  int64_t from_queue_offset = 0;
  int64_t to_queue_offset = -1;
  int64_t from_offset = 0;
  int64_t to_offset = -1;
  std::string from_time;
  std::string to_time;
  std::string key;
  std::string msg_id;
  std::string tag;
  int64_t limit = -1;
  bool follow = false;
};

int RunDump(const CommonFlags& c, const OutputFlags& of, const DumpFlags& d) {
  inspect::DumpOptions o;
  o.geometry = c.Geometry();
  absl::StatusOr<inspect::MessageFormat> format = of.Format(c.json);
  if (!format.ok()) return CannotRead(format.status());
  o.format = *format;
  inspect::DumpFilter& f = o.filter;
  if (!d.topic.empty()) f.topic = d.topic;
  if (d.queue >= 0) f.queue_id = d.queue;
  f.from_queue_offset = d.from_queue_offset;
  if (d.to_queue_offset >= 0) f.to_queue_offset = d.to_queue_offset;
  f.from_offset = d.from_offset;
  if (d.to_offset >= 0) f.to_offset = d.to_offset;
  for (const auto& [text, field] :
       {std::pair{&d.from_time, &f.from_time}, std::pair{&d.to_time, &f.to_time}}) {
    if (text->empty()) continue;
    *field = inspect::ParseMillis(*text);
    if (*field < 0) {
      return CannotRead(absl::InvalidArgumentError(fmt::format(
          "bad time '{}': epoch milliseconds or 2024-01-31T12:00:00[.123][Z] (UTC)", *text)));
    }
  }
  if (!d.key.empty()) f.key = d.key;
  if (!d.msg_id.empty()) f.msg_id = d.msg_id;
  if (!d.tag.empty()) f.tag = d.tag;
  o.limit = d.limit;
  o.follow = d.follow;
  absl::StatusOr<inspect::DumpStats> st =
      inspect::DumpStore(*engine::DefaultFileSystem(), c.dir, o, PrintLine, PrintNote);
  std::fflush(stdout);
  if (!st.ok()) return CannotRead(st.status());
  return 0;
}

int RunStat(const CommonFlags& c, int reserved_hours, int delete_hour) {
  ProgressBar bar(!c.no_progress);
  inspect::StatOptions o;
  o.geometry = c.Geometry();
  o.reserved_hours = reserved_hours;
  o.delete_hour = delete_hour;
  o.progress = bar.Fn();
  absl::StatusOr<inspect::StoreStat> st =
      inspect::StatStore(*engine::DefaultFileSystem(), c.dir, o);
  bar.Clear();
  if (!st.ok()) return CannotRead(st.status());
  const std::string out = c.json ? inspect::StatJson(*st) + "\n" : inspect::StatText(*st);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int RunFind(const CommonFlags& c, const OutputFlags& of, const std::string& id,
            const std::string& key, const std::string& topic, bool no_scan) {
  inspect::FindOptions o;
  o.geometry = c.Geometry();
  absl::StatusOr<inspect::MessageFormat> format = of.Format(c.json);
  if (!format.ok()) return CannotRead(format.status());
  o.format = *format;
  if (!id.empty()) o.id = id;
  if (!key.empty()) o.key = key;
  if (!topic.empty()) o.topic = topic;
  o.scan_fallback = !no_scan;
  absl::StatusOr<inspect::FindResult> r =
      inspect::FindMessages(*engine::DefaultFileSystem(), c.dir, o, PrintLine);
  std::fflush(stdout);
  if (!r.ok()) return CannotRead(r.status());
  PrintNote(fmt::format("{} found{}{}", r->found,
                        r->method.empty() ? "" : fmt::format(" by {}", r->method),
                        r->note.empty() ? "" : fmt::format(" ({})", r->note)));
  return r->found > 0 ? 0 : 1;
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
  auto dump_common = std::make_shared<CommonFlags>();
  auto dump_out = std::make_shared<OutputFlags>();
  auto dump = std::make_shared<DumpFlags>();
  CLI::App* dump_cmd = store->add_subcommand(
      "dump",
      "one line per message (text, or JSON lines with --json), filtered; ranges are "
      "[from, to); --follow tails a live store read-only");
  AddCommonFlags(dump_cmd, *dump_common);
  AddOutputFlags(dump_cmd, *dump_out);
  dump_cmd->add_option("--topic", dump->topic, "only this topic");
  dump_cmd->add_option("--queue", dump->queue, "only this queue id");
  dump_cmd->add_option("--from-queue-offset", dump->from_queue_offset, "queue offset range start");
  dump_cmd->add_option("--to-queue-offset", dump->to_queue_offset, "queue offset range end");
  dump_cmd->add_option("--from-offset", dump->from_offset, "CommitLog offset range start");
  dump_cmd->add_option("--to-offset", dump->to_offset, "CommitLog offset range end");
  dump_cmd->add_option("--from-time", dump->from_time, "store time range start (ms or ISO UTC)");
  dump_cmd->add_option("--to-time", dump->to_time, "store time range end (ms or ISO UTC)");
  dump_cmd->add_option("--key", dump->key, "a KEYS token or the UNIQ_KEY");
  dump_cmd->add_option("--msg-id", dump->msg_id, "offset message id or UNIQ_KEY");
  dump_cmd->add_option("--tag", dump->tag, "TAGS value");
  dump_cmd->add_option("--limit", dump->limit, "stop after this many messages");
  dump_cmd->add_flag("--follow", dump->follow, "keep reading as a live broker appends");
  dump_cmd->callback([=] {
    QuietEngineLogs();
    UnblockStopSignals();
    *exit_code = RunDump(*dump_common, *dump_out, *dump);
  });

  // export: dump's JSON lines with whole bodies in base64, the input of `tern admin import`.
  auto export_common = std::make_shared<CommonFlags>();
  auto export_dump = std::make_shared<DumpFlags>();
  CLI::App* export_cmd = store->add_subcommand(
      "export",
      "a topic's messages as JSON lines with whole bodies (base64), for `tern admin "
      "import` into a running cluster");
  AddCommonFlags(export_cmd, *export_common);
  export_cmd->add_option("--topic", export_dump->topic, "the topic to export")->required();
  export_cmd->add_option("--queue", export_dump->queue, "only this queue id");
  export_cmd->add_option("--from-time", export_dump->from_time,
                         "store time range start (ms or ISO UTC)");
  export_cmd->add_option("--to-time", export_dump->to_time, "store time range end (ms or ISO UTC)");
  export_cmd->add_option("--limit", export_dump->limit, "stop after this many messages");
  export_cmd->callback([=] {
    QuietEngineLogs();
    UnblockStopSignals();
    CommonFlags c = *export_common;
    c.json = true;
    OutputFlags out;
    out.body = "base64";
    out.max_body = 0;
    *exit_code = RunDump(c, out, *export_dump);
  });

  auto stat_common = std::make_shared<CommonFlags>();
  auto reserved_hours = std::make_shared<int>(72);
  auto delete_hour = std::make_shared<int>(4);
  CLI::App* stat_cmd = store->add_subcommand(
      "stat",
      "per topic and queue: messages, bytes, offsets, store times; consumer lag; disk "
      "use; expected deletion times");
  AddCommonFlags(stat_cmd, *stat_common);
  stat_cmd->add_option("--reserved-hours", *reserved_hours, "fileReservedTime (default 72)");
  stat_cmd->add_option("--delete-hour", *delete_hour, "deleteWhen hour, local (default 4)");
  stat_cmd->callback([=] {
    QuietEngineLogs();
    UnblockStopSignals();
    *exit_code = RunStat(*stat_common, *reserved_hours, *delete_hour);
  });

  auto find_common = std::make_shared<CommonFlags>();
  auto find_out = std::make_shared<OutputFlags>();
  auto find_id = std::make_shared<std::string>();
  auto find_key = std::make_shared<std::string>();
  auto find_topic = std::make_shared<std::string>();
  auto no_scan = std::make_shared<bool>(false);
  CLI::App* find_cmd = store->add_subcommand(
      "find",
      "messages by --id (offset message id or UNIQ_KEY) or --key, through the index, "
      "falling back to a scan; exit 0 found, 1 not found");
  AddCommonFlags(find_cmd, *find_common);
  AddOutputFlags(find_cmd, *find_out);
  CLI::Option* id_opt = find_cmd->add_option("--id", *find_id, "message id");
  CLI::Option* key_opt = find_cmd->add_option("--key", *find_key, "message key");
  id_opt->excludes(key_opt);
  find_cmd->add_option("--topic", *find_topic, "topic (default: every topic)");
  find_cmd->add_flag("--no-scan", *no_scan, "index only, never scan the CommitLog");
  find_cmd->callback([=] {
    QuietEngineLogs();
    UnblockStopSignals();
    *exit_code = RunFind(*find_common, *find_out, *find_id, *find_key, *find_topic, *no_scan);
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
