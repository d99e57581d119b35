// The ConsumeQueue pass of VerifyStore: every unit against the CommitLog, and every dispatched
// record against its unit.
#include <fmt/format.h>

#include <algorithm>

#include "engine/base/status.h"
#include "engine/commit_log_format.h"
#include "engine/consume_queue_format.h"
#include "engine/dispatcher.h"
#include "engine/inspect/segment_step.h"
#include "engine/inspect/verify_internal.h"

namespace tern::inspect::internal {
namespace {

constexpr int64_t kUnit = static_cast<int64_t>(engine::kCqUnitSize);

// Walks one queue's spans alongside its units.
class SpanCursor {
 public:
  explicit SpanCursor(const QueueWalk* walk) : walk_(walk) {}
  // True if the CommitLog holds a valid record with queue offset k (k must not decrease).
  bool Covers(int64_t k) {
    if (walk_ == nullptr) return false;
    while (i_ < walk_->spans.size() && walk_->spans[i_].second < k) ++i_;
    return i_ < walk_->spans.size() && walk_->spans[i_].first <= k;
  }
  // Queue offsets of records in [from, to) (to = -1: unbounded), and the highest one.
  std::pair<int64_t, int64_t> CountIn(int64_t from, int64_t to) const {
    int64_t n = 0;
    int64_t hi = -1;
    if (walk_ == nullptr) return {0, -1};
    for (const auto& [a, b] : walk_->spans) {
      const int64_t lo = std::max(a, from);
      const int64_t up = to < 0 ? b : std::min(b, to - 1);
      if (up >= lo) {
        n += up - lo + 1;
        hi = up;
      }
    }
    return {n, hi};
  }

 private:
  const QueueWalk* walk_;
  size_t i_ = 0;
};

// Checks unit k of `q` against the record it points at; false if it does not match.
absl::StatusOr<bool> CheckUnit(VerifyContext& ctx, const QueueDir& q, const FileEntry& file,
                               int64_t k, const engine::CqUnit& u) {
  const VerifyReport& rep = *ctx.report;
  const int64_t at = k * kUnit - file.from_offset;
  auto where = [&] { return fmt::format("{}-{} unit {}", q.topic, q.queue_id, k); };
  if (u.physical_offset >= rep.log_end_offset || u.physical_offset + u.size > rep.log_end_offset) {
    ctx.Fail("consumequeue", "cq_past_end", file.path, at,
             fmt::format("{} points at [{}, {}), past the end of valid CommitLog data {}", where(),
                         u.physical_offset, u.physical_offset + u.size, rep.log_end_offset));
    return false;
  }
  if (const LogDamage* d = ctx.DamageAt(u.physical_offset); d != nullptr) {
    ctx.Fail("consumequeue", "cq_points_at_damage", file.path, at,
             fmt::format("{} points at {}, inside the damaged CommitLog range [{}, {})", where(),
                         u.physical_offset, d->begin, d->end));
    return false;
  }
  TERN_ASSIGN_OR_RETURN(RecordAt rec,
                        ctx.reader.ReadAt(u.physical_offset, engine::CrcCheck::kSkip));
  if (!rec.valid()) {
    ctx.Fail("consumequeue", "cq_not_a_record", file.path, at,
             fmt::format("{} points at {}, where no record starts", where(), u.physical_offset));
    return false;
  }
  const engine::RecordView& r = rec.result.record;
  std::string why;
  if (r.total_size() != u.size)
    why += fmt::format("; size {} vs record {}", u.size, r.total_size());
  if (r.topic != q.topic || r.queue_id != q.queue_id) {
    why += fmt::format("; record belongs to {}-{}", r.topic, r.queue_id);
  }
  if (r.queue_offset != k) why += fmt::format("; record has queue offset {}", r.queue_offset);
  const int32_t tx = engine::format::TransactionType(r.sys_flag);
  if (tx != engine::format::kTransactionNotType && tx != engine::format::kTransactionCommitType) {
    why += fmt::format("; record has transaction type {} (never dispatched)", tx);
  }
  const int64_t tags = engine::MakeDispatchRecord(r, ctx.levels).tags_code;
  if (why.empty() && tags != u.tags_code) {
    why += fmt::format("; tags code {} vs {} expected{}", u.tags_code, tags,
                       q.topic == engine::kScheduleTopic ? " (delivery time)" : "");
  }
  if (why.empty()) return true;
  ctx.Fail("consumequeue", "cq_mismatch", file.path, at,
           fmt::format("{} -> {}{}", where(), u.physical_offset, why));
  return false;
}

// Two passes over a queue's units. The fast one checks what needs no CommitLog access (order,
// zero space after the end), counts units and folds the real ones into a digest; when that
// equals the walk's digest every record has its unit and every unit its record, and the queue
// is done. Otherwise the detailed pass follows each unit into the log and says what is wrong.
enum class Pass { kFast, kDetailed };

absl::StatusOr<bool> CheckQueue(VerifyContext& ctx, const QueueDir& q, const QueueWalk* walk,
                                Pass pass) {
  VerifyReport& rep = *ctx.report;
  const bool fast = pass == Pass::kFast;
  uint64_t digest = 0;
  int64_t real_units = 0;
  const uint64_t file_bytes = rep.layout.geometry.cq_units_per_file * engine::kCqUnitSize;
  SpanCursor spans(walk);
  bool ended = false;
  int64_t end_k = 0;
  int64_t prev_phys = -1;
  for (const FileEntry& f : q.files) {
    if (f.size == 0 || f.from_offset % kUnit != 0) continue;  // reported by the layout pass
    TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> map, MapReadOnly(ctx.fs, f));
    const size_t extent =
        std::min<size_t>(map->size(), file_bytes) / engine::kCqUnitSize * engine::kCqUnitSize;
    const ByteSpan bytes(map->data(), extent);
    size_t pos = 0;
    if (!ended) {
      for (; pos < extent; pos += engine::kCqUnitSize) {
        const int64_t k = (f.from_offset + static_cast<int64_t>(pos)) / kUnit;
        const engine::CqUnit u = engine::DecodeCqUnit(bytes.data() + pos);
        if (!u.is_valid()) break;
        if (fast) ++rep.cq_units;
        if (u.is_filler()) {
          if (fast) {
            ++rep.cq_fillers;
          } else if (spans.Covers(k)) {
            ctx.Fail("consumequeue", "cq_filler_for_record", f.path, static_cast<int64_t>(pos),
                     fmt::format("{}-{} unit {} is a filler, but the CommitLog holds its record",
                                 q.topic, q.queue_id, k));
          }
          continue;
        }
        spans.Covers(k);
        if (u.physical_offset < rep.log_min_offset) continue;  // its file was deleted
        if (fast) {
          digest = UnitDigest(digest, k, u.physical_offset, u.size, u.tags_code);
          ++real_units;
        }
        if (fast && prev_phys >= 0 && u.physical_offset <= prev_phys) {
          ctx.Fail("consumequeue", "cq_order", f.path, static_cast<int64_t>(pos),
                   fmt::format("{}-{} unit {} points at {}, not after the previous unit's {}",
                               q.topic, q.queue_id, k, u.physical_offset, prev_phys));
        }
        prev_phys = u.physical_offset;
        if (!fast) TERN_RETURN_IF_ERROR(CheckUnit(ctx, q, f, k, u).status());
      }
      end_k = (f.from_offset + static_cast<int64_t>(pos)) / kUnit;
      if (pos < extent) ended = true;
    }
    const size_t nz = fast ? FirstNonZero(bytes, pos) : extent;
    if (nz < extent) {
      ctx.Fail("consumequeue", "cq_garbage_after_end", f.path, static_cast<int64_t>(nz),
               fmt::format("{}-{} ends at unit {} but non-zero bytes follow at {}", q.topic,
                           q.queue_id, end_k, nz));
    }
  }
  if (fast) {
    const int64_t records = walk == nullptr ? 0 : walk->records;
    const uint64_t expected = walk == nullptr ? 0 : walk->digest;
    return real_units == records && digest == expected;
  }
  // Records without units: before the first file, or after the queue's end.
  const int64_t first_k = q.files.empty() ? 0 : q.files.front().from_offset / kUnit;
  if (const auto [n, hi] = spans.CountIn(0, first_k); n > 0) {
    ctx.Fail("consumequeue", "cq_missing_units", q.files.front().path, 0,
             fmt::format("{}-{} starts at unit {} but the CommitLog holds {} records below it "
                         "(up to queue offset {})",
                         q.topic, q.queue_id, first_k, n, hi));
  }
  if (const auto [n, hi] = spans.CountIn(std::max(end_k, first_k), -1); n > 0) {
    const std::string file = q.files.empty() ? q.dir : q.files.back().path;
    const int64_t at = q.files.empty() ? -1 : end_k * kUnit - q.files.back().from_offset;
    ctx.Fail("consumequeue", "cq_missing_units", file, at,
             fmt::format("{}-{} ends at unit {} but the CommitLog holds {} more records (up to "
                         "queue offset {})",
                         q.topic, q.queue_id, end_k, n, hi));
  }
  return false;
}

}  // namespace

absl::Status CheckConsumeQueues(VerifyContext& ctx) {
  const StoreLayout& l = ctx.report->layout;
  int64_t done = 0;
  for (const QueueDir& q : l.queues) {
    ctx.Progress("consumequeue", done++, static_cast<int64_t>(l.queues.size()));
    ++ctx.report->queues;
    auto it = ctx.walks.find(engine::QueueKeyView{q.topic, q.queue_id});
    const QueueWalk* walk = it == ctx.walks.end() ? nullptr : &it->second;
    TERN_ASSIGN_OR_RETURN(const bool consistent, CheckQueue(ctx, q, walk, Pass::kFast));
    if (!consistent) TERN_RETURN_IF_ERROR(CheckQueue(ctx, q, walk, Pass::kDetailed).status());
  }
  // Queues the CommitLog has records for but no directory.
  std::vector<std::pair<engine::QueueKey, const QueueWalk*>> missing;
  for (const auto& [key, walk] : ctx.walks) {
    if (l.FindQueue(key.topic, key.queue_id) == nullptr) missing.emplace_back(key, &walk);
  }
  std::sort(missing.begin(), missing.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.topic, a.first.queue_id) < std::tie(b.first.topic, b.first.queue_id);
  });
  for (const auto& [key, walk] : missing) {
    const std::string dir =
        engine::JoinPath(engine::JoinPath(l.QueueRoot(), key.topic), std::to_string(key.queue_id));
    const std::string what = fmt::format(
        "{} records of {}-{} (queue offsets {}..{}) have no ConsumeQueue", walk->records, key.topic,
        key.queue_id, walk->spans.front().first, walk->spans.back().second);
    if (key.topic == kQuarantineTopic) continue;
    if (ctx.topics && !ctx.topics->topic_config_table.contains(key.topic)) {
      ctx.Warn("consumequeue", "deleted_topic_records", dir, -1,
               what + "; the topic is not in topics.json (deleted?)");
    } else {
      ctx.Fail("consumequeue", "cq_missing_queue", dir, -1, what);
    }
  }
  return absl::OkStatus();
}

}  // namespace tern::inspect::internal
