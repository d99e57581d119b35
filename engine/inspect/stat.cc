#include "engine/inspect/stat.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "engine/base/clock.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/commit_log_format.h"
#include "engine/consume_queue_format.h"
#include "engine/inspect/format_util.h"
#include "engine/inspect/json_out.h"
#include "engine/inspect/log_scanner.h"
#include "engine/metadata/config_file.h"
#include "engine/metadata/consumer_offset.h"
#include "engine/queue_key.h"

namespace tern::inspect {
namespace {

constexpr int64_t kUnit = static_cast<int64_t>(engine::kCqUnitSize);

absl::Status WalkLog(engine::FileSystem& fs, const StatOptions& o, StoreStat& st,
                     absl::flat_hash_map<engine::QueueKey, QueueStat, engine::QueueKeyHash,
                                         engine::QueueKeyEq>& queues) {
  const StoreLayout& l = st.layout;
  if (l.commit_log_files.empty()) return absl::OkStatus();
  st.log_min_offset = l.commit_log_files.front().from_offset;
  ScanOptions so;
  so.crc = engine::CrcCheck::kSkip;
  LogScanner scanner(&fs, l.commit_log_files, l.geometry.commit_log_file_size, so);
  QueueStat* last = nullptr;
  for (int64_t n = 0;; ++n) {
    if (o.progress && (n & 4095) == 0) {
      o.progress("commitlog", scanner.bytes_done(), scanner.bytes_total());
    }
    TERN_ASSIGN_OR_RETURN(ScanItem item, scanner.Next());
    if (item.status == ScanStatus::kEnd) {
      st.log_end_offset = item.offset;
      break;
    }
    if (item.status == ScanStatus::kDamage) ++st.damaged_ranges;
    if (item.status != ScanStatus::kRecord) continue;
    const engine::RecordView& r = item.record;
    ++st.records;
    if (last == nullptr || last->queue_id != r.queue_id || last->topic != r.topic) {
      auto it = queues.find(engine::QueueKeyView{r.topic, r.queue_id});
      if (it == queues.end()) {
        QueueStat q;
        q.topic = std::string(r.topic);
        q.queue_id = r.queue_id;
        it = queues.emplace(engine::QueueKey(q.topic, q.queue_id), std::move(q)).first;
      }
      last = &it->second;
    }
    QueueStat& q = *last;
    ++q.messages;
    q.bytes += r.total_size();
    if (q.oldest_store_timestamp == 0 || r.store_timestamp < q.oldest_store_timestamp) {
      q.oldest_store_timestamp = r.store_timestamp;
    }
    q.newest_store_timestamp = std::max(q.newest_store_timestamp, r.store_timestamp);
    const int32_t tx = engine::format::TransactionType(r.sys_flag);
    if (tx == engine::format::kTransactionNotType || tx == engine::format::kTransactionCommitType) {
      if (q.min_queue_offset < 0) q.min_queue_offset = r.queue_offset;
      q.max_queue_offset = std::max(q.max_queue_offset, r.queue_offset);
    }
  }
  return absl::OkStatus();
}

// [first real unit still in the log, end of valid units) of one queue.
absl::Status QueueRange(engine::FileSystem& fs, const QueueDir& qd, int64_t log_min,
                        uint64_t file_bytes, QueueStat& q) {
  if (qd.files.empty()) return absl::OkStatus();
  // End: the first invalid unit of the last file (or its end).
  const FileEntry& lastf = qd.files.back();
  q.cq_max = lastf.from_offset / kUnit;
  if (lastf.size > 0) {
    TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> m, MapReadOnly(&fs, lastf));
    const size_t n = std::min<size_t>(m->size(), file_bytes) / engine::kCqUnitSize;
    size_t i = 0;
    while (i < n && engine::DecodeCqUnit(m->data() + i * engine::kCqUnitSize).is_valid()) ++i;
    q.cq_max += static_cast<int64_t>(i);
  }
  q.cq_min = q.cq_max;
  for (const FileEntry& f : qd.files) {
    if (f.size == 0) continue;
    TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> m, MapReadOnly(&fs, f));
    const size_t n = std::min<size_t>(m->size(), file_bytes) / engine::kCqUnitSize;
    for (size_t i = 0; i < n; ++i) {
      const engine::CqUnit u = engine::DecodeCqUnit(m->data() + i * engine::kCqUnitSize);
      if (!u.is_valid()) return absl::OkStatus();
      if (!u.is_filler() && u.physical_offset >= log_min) {
        q.cq_min = std::min(q.cq_max, f.from_offset / kUnit + static_cast<int64_t>(i));
        return absl::OkStatus();
      }
    }
  }
  return absl::OkStatus();
}

void ComputeLags(engine::FileSystem& fs, StoreStat& st) {
  const std::string path = engine::JoinPath(st.layout.ConfigDir(), "consumerOffset.json");
  if (!fs.Exists(path) && !fs.Exists(path + ".bak")) {
    st.lag_note = "no config/consumerOffset.json";
    return;
  }
  std::string warning;
  absl::StatusOr<std::optional<engine::metadata::ConsumerOffsetFile>> doc =
      engine::metadata::LoadConfigDocument<engine::metadata::ConsumerOffsetFile>(
          fs, path, [&](std::string_view w) { warning = std::string(w); });
  if (!doc.ok() || !doc->has_value()) {
    st.lag_note = doc.ok() ? "no consumer offsets" : std::string(MessageOf(doc.status()));
    return;
  }
  if (!warning.empty()) st.lag_note = warning;
  for (const auto& [key, table] : (*doc)->offset_table) {
    const size_t at = key.find('@');
    if (at == std::string::npos) continue;
    GroupLag g;
    g.topic = key.substr(0, at);
    g.group = key.substr(at + 1);
    for (const auto& [qid, committed] : table) {
      GroupLag::Queue q;
      q.queue_id = qid;
      q.committed = committed;
      int64_t min = 0;
      for (const QueueStat& s : st.queues) {
        if (s.topic == g.topic && s.queue_id == qid) {
          q.max_offset = s.cq_max >= 0 ? s.cq_max : s.max_queue_offset + 1;
          min = std::max<int64_t>(0, s.cq_min);
        }
      }
      q.lag = std::max<int64_t>(0, q.max_offset - (committed < 0 ? min : committed));
      g.total_lag += q.lag;
      g.queues.push_back(q);
    }
    st.lags.push_back(std::move(g));
  }
  std::sort(st.lags.begin(), st.lags.end(), [](const GroupLag& a, const GroupLag& b) {
    return std::tie(a.group, a.topic) < std::tie(b.group, b.topic);
  });
}

void ComputeDisk(engine::FileSystem& fs, StoreStat& st) {
  const StoreLayout& l = st.layout;
  DiskUse cl{"commitlog"}, cq{"consumequeue"}, idx{"index"}, cfg{"config"}, other{"other"};
  for (const FileEntry& f : l.commit_log_files) {
    ++cl.files;
    cl.bytes += static_cast<int64_t>(f.size);
  }
  for (const QueueDir& q : l.queues) {
    for (const FileEntry& f : q.files) {
      ++cq.files;
      cq.bytes += static_cast<int64_t>(f.size);
    }
  }
  for (const FileEntry& f : l.index_files) {
    ++idx.files;
    idx.bytes += static_cast<int64_t>(f.size);
  }
  for (const std::string& name : l.config_files) {
    if (absl::StatusOr<uint64_t> s = fs.FileSize(engine::JoinPath(l.ConfigDir(), name)); s.ok()) {
      ++cfg.files;
      cfg.bytes += static_cast<int64_t>(*s);
    }
  }
  for (const char* name : {"checkpoint", "lock", "abort"}) {
    if (absl::StatusOr<uint64_t> s = fs.FileSize(engine::JoinPath(l.root, name)); s.ok()) {
      ++other.files;
      other.bytes += static_cast<int64_t>(*s);
    }
  }
  st.disk = {cl, cq, idx, cfg, other};
  if (absl::StatusOr<engine::DiskUsage> u = fs.GetDiskUsage(l.root); u.ok()) st.file_system = *u;
}

// The first moment at or after `t` (ms) whose local hour is `hour`.
int64_t NextLocalHour(int64_t t, int hour) {
  const std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  if (tm.tm_hour == hour) return t;
  tm.tm_hour = hour;
  tm.tm_min = 0;
  tm.tm_sec = 0;
  tm.tm_isdst = -1;
  std::time_t cand = std::mktime(&tm);
  if (cand < secs) {
    tm.tm_mday += 1;
    tm.tm_isdst = -1;
    cand = std::mktime(&tm);
  }
  return static_cast<int64_t>(cand) * 1000;
}

void ComputeExpiry(engine::FileSystem& fs, const StatOptions& o, StoreStat& st) {
  const auto& files = st.layout.commit_log_files;
  const int64_t now = NowMillis();
  const bool over = st.file_system.used_ratio() > o.clean_ratio;
  for (size_t i = 0; i < files.size(); ++i) {
    FileExpiry e;
    e.name = files[i].name;
    if (absl::StatusOr<int64_t> m = fs.ModifiedTimeMillis(files[i].path); m.ok()) e.last_write = *m;
    e.expires = e.last_write + static_cast<int64_t>(o.reserved_hours) * 3600 * 1000;
    if (i + 1 < files.size()) {
      e.deleted_at =
          over ? std::max(e.expires, now) : NextLocalHour(std::max(e.expires, now), o.delete_hour);
    }
    st.expiry.push_back(e);
  }
}

}  // namespace

absl::StatusOr<StoreStat> StatStore(engine::FileSystem& fs, const std::string& root,
                                    const StatOptions& o) {
  StoreStat st;
  st.reserved_hours = o.reserved_hours;
  st.delete_hour = o.delete_hour;
  st.clean_ratio = o.clean_ratio;
  TERN_ASSIGN_OR_RETURN(st.layout, DiscoverStore(fs, root, o.geometry));
  absl::flat_hash_map<engine::QueueKey, QueueStat, engine::QueueKeyHash, engine::QueueKeyEq> qs;
  TERN_RETURN_IF_ERROR(WalkLog(fs, o, st, qs));
  const uint64_t file_bytes = st.layout.geometry.cq_units_per_file * engine::kCqUnitSize;
  for (const QueueDir& qd : st.layout.queues) {
    auto it = qs.find(engine::QueueKeyView{qd.topic, qd.queue_id});
    if (it == qs.end()) {
      QueueStat q;
      q.topic = qd.topic;
      q.queue_id = qd.queue_id;
      it = qs.emplace(engine::QueueKey(qd.topic, qd.queue_id), std::move(q)).first;
    }
    TERN_RETURN_IF_ERROR(QueueRange(fs, qd, st.log_min_offset, file_bytes, it->second));
  }
  for (auto& [key, q] : qs) st.queues.push_back(std::move(q));
  std::sort(st.queues.begin(), st.queues.end(), [](const QueueStat& a, const QueueStat& b) {
    return std::tie(a.topic, a.queue_id) < std::tie(b.topic, b.queue_id);
  });
  ComputeLags(fs, st);
  ComputeDisk(fs, st);
  ComputeExpiry(fs, o, st);
  return st;
}

std::string StatText(const StoreStat& st) {
  std::string out = fmt::format(
      "store {}: {} records, valid data [{}, {}) in {} CommitLog files{}\n", st.layout.root,
      st.records, st.log_min_offset, st.log_end_offset, st.layout.commit_log_files.size(),
      st.damaged_ranges > 0 ? fmt::format(" ({} damaged ranges: run verify)", st.damaged_ranges)
                            : "");
  out += fmt::format("{:<40} {:>5} {:>9} {:>10} {:>15} {:>15} {:<24} {:<24}\n", "topic", "queue",
                     "messages", "bytes", "queue offsets", "consumable", "oldest store time",
                     "newest store time");
  std::string topic;
  int64_t tmsg = 0;
  int64_t tbytes = 0;
  int tqueues = 0;
  auto flush_topic = [&] {
    if (tqueues > 1) {
      out += fmt::format("{:<40} {:>5} {:>9} {:>10}\n", "  (topic total)", "", tmsg,
                         FormatBytes(tbytes));
    }
  };
  for (const QueueStat& q : st.queues) {
    if (q.topic != topic) {
      flush_topic();
      topic = q.topic;
      tmsg = tbytes = 0;
      tqueues = 0;
    }
    ++tqueues;
    tmsg += q.messages;
    tbytes += q.bytes;
    const std::string qo = q.min_queue_offset < 0
                               ? "-"
                               : fmt::format("{}..{}", q.min_queue_offset, q.max_queue_offset);
    const std::string cq = q.cq_min < 0 ? "-" : fmt::format("[{}, {})", q.cq_min, q.cq_max);
    out +=
        fmt::format("{:<40} {:>5} {:>9} {:>10} {:>15} {:>15} {:<24} {:<24}\n", q.topic, q.queue_id,
                    q.messages, FormatBytes(q.bytes), qo, cq,
                    FormatMillis(q.oldest_store_timestamp), FormatMillis(q.newest_store_timestamp));
  }
  flush_topic();
  out += "consumer groups (lag = queue end - committed offset):\n";
  if (!st.lag_note.empty()) out += fmt::format("  ({})\n", st.lag_note);
  for (const GroupLag& g : st.lags) {
    out += fmt::format("  {:<40} {:<40} lag {:>8}  [", g.group, g.topic, g.total_lag);
    for (size_t i = 0; i < g.queues.size(); ++i) {
      const GroupLag::Queue& q = g.queues[i];
      out += fmt::format("{}{}:{}/{}", i ? " " : "", q.queue_id, q.committed, q.max_offset);
    }
    out += "]\n";
  }
  out += "disk use:\n";
  for (const DiskUse& d : st.disk) {
    out += fmt::format("  {:<13} {:>7} files {:>10}\n", d.kind, d.files, FormatBytes(d.bytes));
  }
  if (st.file_system.total_bytes > 0) {
    out += fmt::format("  file system   {:.1f}% used, {} free\n", st.file_system.used_ratio() * 100,
                       FormatBytes(static_cast<int64_t>(st.file_system.free_bytes)));
  }
  out += fmt::format(
      "retention (fileReservedTime {} h, deleteWhen {:02}; never the active last file):\n",
      st.reserved_hours, st.delete_hour);
  if (st.file_system.used_ratio() > st.clean_ratio) {
    out +=
        fmt::format("  (disk above {:.0f}% used: expired files go at the next check, any hour)\n",
                    st.clean_ratio * 100);
  }
  for (size_t i = 0; i < st.expiry.size(); ++i) {
    const FileExpiry& e = st.expiry[i];
    if (i >= 5 && i + 2 < st.expiry.size()) {
      if (i == 5) out += fmt::format("  ... {} more\n", st.expiry.size() - 7);
      continue;
    }
    out += e.deleted_at == 0
               ? fmt::format("  {}  last written {}  active\n", e.name, FormatMillis(e.last_write))
               : fmt::format("  {}  last written {}  expires {}  deleted about {}\n", e.name,
                             FormatMillis(e.last_write), FormatMillis(e.expires),
                             FormatMillis(e.deleted_at));
  }
  return out;
}

std::string StatJson(const StoreStat& st) {
  JsonOut j;
  j.BeginObject();
  j.Field("store", st.layout.root);
  j.Field("records", st.records);
  j.Field("minOffset", st.log_min_offset);
  j.Field("endOffset", st.log_end_offset);
  j.Field("damagedRanges", st.damaged_ranges);
  j.Key("queues");
  j.BeginArray();
  for (const QueueStat& q : st.queues) {
    j.BeginObject();
    j.Field("topic", q.topic);
    j.Field("queueId", q.queue_id);
    j.Field("messages", q.messages);
    j.Field("bytes", q.bytes);
    j.Field("minQueueOffset", q.min_queue_offset);
    j.Field("maxQueueOffset", q.max_queue_offset);
    j.Field("consumeQueueMin", q.cq_min);
    j.Field("consumeQueueMax", q.cq_max);
    j.Field("oldestStoreTimestamp", q.oldest_store_timestamp);
    j.Field("newestStoreTimestamp", q.newest_store_timestamp);
    j.EndObject();
  }
  j.EndArray();
  j.Key("consumerLag");
  j.BeginArray();
  for (const GroupLag& g : st.lags) {
    j.BeginObject();
    j.Field("group", g.group);
    j.Field("topic", g.topic);
    j.Field("lag", g.total_lag);
    j.Key("queues");
    j.BeginArray();
    for (const GroupLag::Queue& q : g.queues) {
      j.BeginObject();
      j.Field("queueId", q.queue_id);
      j.Field("committed", q.committed);
      j.Field("maxOffset", q.max_offset);
      j.Field("lag", q.lag);
      j.EndObject();
    }
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  if (!st.lag_note.empty()) j.Field("lagNote", st.lag_note);
  j.Key("disk");
  j.BeginObject();
  for (const DiskUse& d : st.disk) {
    j.Key(d.kind);
    j.BeginObject();
    j.Field("files", d.files);
    j.Field("bytes", d.bytes);
    j.EndObject();
  }
  j.Field("fileSystemTotal", static_cast<int64_t>(st.file_system.total_bytes));
  j.Field("fileSystemFree", static_cast<int64_t>(st.file_system.free_bytes));
  j.EndObject();
  j.Key("retention");
  j.BeginArray();
  for (const FileExpiry& e : st.expiry) {
    j.BeginObject();
    j.Field("file", e.name);
    j.Field("lastWrite", e.last_write);
    j.Field("expires", e.expires);
    j.Field("deletedAt", e.deleted_at);
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  return std::move(j).Take();
}

}  // namespace tern::inspect
