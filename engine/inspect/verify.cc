#include "engine/inspect/verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/commit_log_format.h"
#include "engine/consume_queue_format.h"
#include "engine/dispatcher.h"
#include "engine/index/index_file_format.h"
#include "engine/inspect/verify_internal.h"

namespace tern::inspect {

int64_t VerifyReport::CountOf(std::string_view area) const {
  int64_t n = 0;
  for (const Defect& d : defects) {
    if (d.severity == Severity::kDefect && d.area == area) ++n;
  }
  return n;
}

namespace internal {

VerifyContext::VerifyContext(engine::FileSystem* fs, const VerifyOptions* options,
                             VerifyReport* report, engine::DelayLevels levels)
    : fs(fs),
      options(options),
      report(report),
      levels(std::move(levels)),
      reader(fs, &report->layout.commit_log_files, report->layout.geometry.commit_log_file_size) {}

void VerifyContext::Add(Defect d) {
  if (d.severity == Severity::kDefect) {
    ++report->defect_count;
  } else {
    ++report->warning_count;
  }
  const int64_t seen = ++report->count_by_kind[d.kind];
  if (static_cast<size_t>(seen) <= options->max_defects_per_kind) {
    report->defects.push_back(std::move(d));
  }
}

void VerifyContext::Warn(std::string area, std::string kind, std::string file, int64_t offset,
                         std::string message) {
  Defect d;
  d.severity = Severity::kWarning;
  d.area = std::move(area);
  d.kind = std::move(kind);
  d.file = std::move(file);
  d.offset = offset;
  d.message = std::move(message);
  Add(std::move(d));
}

void VerifyContext::Fail(std::string area, std::string kind, std::string file, int64_t offset,
                         std::string message) {
  Defect d;
  d.area = std::move(area);
  d.kind = std::move(kind);
  d.file = std::move(file);
  d.offset = offset;
  d.message = std::move(message);
  Add(std::move(d));
}

const LogDamage* VerifyContext::DamageAt(int64_t offset) const {
  const std::vector<LogDamage>& d = report->damages;
  auto it = std::upper_bound(d.begin(), d.end(), offset,
                             [](int64_t o, const LogDamage& x) { return o < x.begin; });
  if (it == d.begin()) return nullptr;
  --it;
  return offset < it->end ? &*it : nullptr;
}

void VerifyContext::Progress(std::string_view phase, int64_t done, int64_t total) const {
  if (options->progress) options->progress(phase, done, total);
}

void CheckLayout(VerifyContext& ctx) {
  const StoreLayout& l = ctx.report->layout;
  const StoreGeometry& g = l.geometry;
  const auto size = static_cast<int64_t>(g.commit_log_file_size);
  for (size_t i = 0; i < l.commit_log_files.size(); ++i) {
    const FileEntry& f = l.commit_log_files[i];
    if (f.size != g.commit_log_file_size) {
      ctx.Fail("layout", "commitlog_file_size", f.path, -1,
               fmt::format("{} bytes, expected {} (the broker refuses to load it)", f.size,
                           g.commit_log_file_size));
    }
    if (f.from_offset % size != 0) {
      ctx.Fail("layout", "commitlog_misaligned", f.path, -1,
               fmt::format("start offset {} is not a multiple of the file size {}", f.from_offset,
                           size));
    }
    if (i > 0 && f.from_offset != l.commit_log_files[i - 1].from_offset + size) {
      ctx.Fail(
          "layout", "commitlog_gap", f.path, -1,
          fmt::format("expected the file after {} to start at {}", l.commit_log_files[i - 1].name,
                      l.commit_log_files[i - 1].from_offset + size));
    }
  }
  for (const std::string& s : l.commit_log_strays) {
    ctx.Warn("layout", "stray_file", s, -1, "not a CommitLog segment name (ignored)");
  }
  const uint64_t cq_bytes = g.cq_units_per_file * engine::kCqUnitSize;
  for (const QueueDir& q : l.queues) {
    for (size_t i = 0; i < q.files.size(); ++i) {
      const FileEntry& f = q.files[i];
      if (f.size != cq_bytes) {
        ctx.Fail("layout", "cq_file_size", f.path, -1,
                 fmt::format("{} bytes, expected {}", f.size, cq_bytes));
      }
      if (f.from_offset % static_cast<int64_t>(cq_bytes) != 0) {
        ctx.Fail("layout", "cq_misaligned", f.path, -1,
                 fmt::format("start offset {} is not a multiple of the file size {}", f.from_offset,
                             cq_bytes));
      } else if (i > 0 &&
                 f.from_offset != q.files[i - 1].from_offset + static_cast<int64_t>(cq_bytes)) {
        ctx.Fail("layout", "cq_gap", f.path, -1,
                 fmt::format("expected the file after {} to start at {}", q.files[i - 1].name,
                             q.files[i - 1].from_offset + static_cast<int64_t>(cq_bytes)));
      }
    }
  }
  for (const std::string& s : l.queue_strays) {
    ctx.Warn("layout", "stray_file", s, -1, "not a topic/queueId/segment path (ignored)");
  }
  if (!g.index_geometry_known) {
    ctx.Fail("layout", "index_geometry", l.IndexDir(), -1, g.notes.back());
  } else {
    const uint64_t isize = engine::IndexFileSize(g.index_hash_slot_num, g.index_num);
    for (const FileEntry& f : l.index_files) {
      if (f.size != isize) {
        ctx.Fail("layout", "index_file_size", f.path, -1,
                 fmt::format("{} bytes, expected {} ({} slots, {} entries)", f.size, isize,
                             g.index_hash_slot_num, g.index_num));
      }
    }
  }
  for (const std::string& s : l.index_strays) {
    ctx.Warn("layout", "stray_file", s, -1, "not an index file name (ignored)");
  }
  if (l.commit_log_files.empty()) {
    ctx.Warn("commitlog", "empty_log", l.commit_log_dir, -1, "no CommitLog files");
  }
}

absl::Status WalkCommitLog(VerifyContext& ctx) {
  VerifyReport& rep = *ctx.report;
  const StoreLayout& l = rep.layout;
  if (l.commit_log_files.empty()) return absl::OkStatus();
  rep.log_min_offset = l.commit_log_files.front().from_offset;
  LogScanner scanner(ctx.fs, l.commit_log_files, l.geometry.commit_log_file_size, ScanOptions{});
  const int64_t total = scanner.bytes_total();
  QueueWalk* last_walk = nullptr;
  const engine::QueueKey* last_key = nullptr;
  for (int64_t n = 0;; ++n) {
    if ((n & 4095) == 0) ctx.Progress("commitlog", scanner.bytes_done(), total);
    TERN_ASSIGN_OR_RETURN(ScanItem item, scanner.Next());
    if (item.status == ScanStatus::kEnd) {
      rep.log_end_offset = item.offset;
      break;
    }
    if (item.status == ScanStatus::kBlank) {
      ++rep.blanks;
      continue;
    }
    if (item.status == ScanStatus::kDamage) {
      const LogDamage& dmg = item.damage;
      Defect d;
      d.area = "commitlog";
      d.kind = dmg.kind == DamageKind::kTornTail    ? "torn_tail"
               : dmg.kind == DamageKind::kMisplaced ? "misplaced_record"
                                                    : "corrupt_record";
      d.file = dmg.file;
      d.offset = dmg.begin - dmg.file_start;
      d.log_offset = dmg.begin;
      d.record_index = dmg.record_index;
      d.length = dmg.end - dmg.begin;
      d.message = fmt::format(
          "{}: {} bytes [{}, {}){}", dmg.reason, d.length, dmg.begin, dmg.end,
          dmg.kind == DamageKind::kTornTail  ? " after the end of valid data (repair cuts it)"
          : dmg.kind == DamageKind::kCorrupt ? "; valid records follow (repair quarantines it)"
                                             : "");
      ctx.Add(std::move(d));
      rep.damages.push_back(dmg);
      continue;
    }
    const engine::RecordView& r = item.record;
    ++rep.records;
    if (rep.first_store_timestamp == 0) rep.first_store_timestamp = r.store_timestamp;
    rep.last_store_timestamp = r.store_timestamp;
    if (r.topic == kQuarantineTopic) ++rep.quarantined_records;
    const int32_t tx = engine::format::TransactionType(r.sys_flag);
    if (tx != engine::format::kTransactionNotType && tx != engine::format::kTransactionCommitType) {
      continue;
    }
    if (last_key == nullptr || last_key->queue_id != r.queue_id || last_key->topic != r.topic) {
      auto it = ctx.walks.find(engine::QueueKeyView{r.topic, r.queue_id});
      if (it == ctx.walks.end()) {
        it = ctx.walks
                 .emplace(engine::QueueKey(engine::QueueKeyView{r.topic, r.queue_id}), QueueWalk{})
                 .first;
      }
      last_key = &it->first;
      last_walk = &it->second;
    }
    QueueWalk& w = *last_walk;
    ++w.records;
    if (!w.spans.empty() && r.queue_offset <= w.spans.back().second) {
      ctx.Fail(
          "commitlog", "queue_offset_order", item.file->path, item.offset - item.file->from_offset,
          fmt::format("record at {} of {}-{} has queue offset {}, not above the previous {}",
                      item.offset, r.topic, r.queue_id, r.queue_offset, w.spans.back().second));
      continue;
    }
    if (!w.spans.empty() && r.queue_offset == w.spans.back().second + 1) {
      w.spans.back().second = r.queue_offset;
    } else {
      w.spans.emplace_back(r.queue_offset, r.queue_offset);
    }
    if (ctx.options->check_queues) {
      w.digest = UnitDigest(w.digest, r.queue_offset, item.offset, r.total_size(),
                            engine::MakeDispatchRecord(r, ctx.levels).tags_code);
    }
  }
  rep.bytes_walked = scanner.bytes_done();
  ctx.Progress("commitlog", total, total);
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<VerifyReport> VerifyStore(engine::FileSystem& fs, const std::string& root,
                                         const VerifyOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  TERN_ASSIGN_OR_RETURN(engine::DelayLevels levels,
                        engine::DelayLevels::Parse(options.delay_levels));
  VerifyReport report;
  TERN_ASSIGN_OR_RETURN(report.layout, DiscoverStore(fs, root, options.geometry));
  internal::VerifyContext ctx(&fs, &options, &report, std::move(levels));
  internal::CheckLayout(ctx);
  internal::CheckConfig(ctx);
  TERN_RETURN_IF_ERROR(internal::WalkCommitLog(ctx));
  // The ConsumeQueue and index passes only read what the walk found: run them side by side,
  // the index pass with a context (and report) of its own, merged afterwards.
  VerifyReport index_part;
  absl::Status index_status;
  std::thread index_thread;
  VerifyOptions index_options = options;
  index_options.progress = nullptr;
  std::optional<internal::VerifyContext> index_ctx;
  if (options.check_index) {
    index_part.layout = report.layout;
    index_part.damages = report.damages;
    index_part.log_min_offset = report.log_min_offset;
    index_part.log_end_offset = report.log_end_offset;
    index_ctx.emplace(&fs, &index_options, &index_part, ctx.levels);
    index_thread = std::thread([&] { index_status = internal::CheckIndex(*index_ctx); });
  }
  absl::Status queue_status =
      options.check_queues ? internal::CheckConsumeQueues(ctx) : absl::OkStatus();
  if (index_thread.joinable()) index_thread.join();
  TERN_RETURN_IF_ERROR(queue_status);
  TERN_RETURN_IF_ERROR(index_status);
  report.index_files = index_part.index_files;
  report.index_entries = index_part.index_entries;
  report.defect_count += index_part.defect_count;
  report.warning_count += index_part.warning_count;
  for (const auto& [kind, n] : index_part.count_by_kind) report.count_by_kind[kind] += n;
  for (Defect& d : index_part.defects) report.defects.push_back(std::move(d));
  internal::CheckCheckpoint(ctx);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace tern::inspect
