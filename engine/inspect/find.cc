#include "engine/inspect/find.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/index/index_service.h"
#include "engine/inspect/dump.h"
#include "engine/inspect/log_reader.h"
#include "engine/inspect/log_scanner.h"
#include "engine/properties.h"

namespace tern::inspect {
namespace {

// Offsets the index holds for `key` under `topics`; nullopt when the index cannot be used.
std::optional<std::vector<int64_t>> IndexLookup(engine::FileSystem& fs, const StoreLayout& l,
                                                const std::vector<std::string>& topics,
                                                std::string_view key, std::string* note) {
  const StoreGeometry& g = l.geometry;
  if (l.index_files.empty()) {
    *note = "no index files";
    return std::nullopt;
  }
  if (!g.index_geometry_known) {
    *note = "index geometry unknown";
    return std::nullopt;
  }
  engine::IndexOptions io;
  io.hash_slot_num = g.index_hash_slot_num;
  io.index_num = g.index_num;
  io.max_query_results = std::numeric_limits<int32_t>::max();
  engine::IndexService index(&fs, l.IndexDir(), io);
  if (absl::Status s = index.Load(engine::Access::kReadOnly); !s.ok()) {
    *note = fmt::format("index unreadable: {}", MessageOf(s));
    return std::nullopt;
  }
  std::set<int64_t> offsets;
  for (const std::string& t : topics) {
    engine::IndexQueryResult r = index.Query(t, key, std::numeric_limits<int32_t>::max(), 0,
                                             std::numeric_limits<int64_t>::max());
    offsets.insert(r.physical_offsets.begin(), r.physical_offsets.end());
  }
  return std::vector<int64_t>(offsets.begin(), offsets.end());
}

}  // namespace

absl::StatusOr<FindResult> FindMessages(engine::FileSystem& fs, const std::string& root,
                                        const FindOptions& o,
                                        const std::function<void(std::string_view)>& out) {
  if (o.id.has_value() == o.key.has_value()) {
    return absl::InvalidArgumentError("give exactly one of --id and --key");
  }
  FindResult res;
  TERN_ASSIGN_OR_RETURN(const StoreLayout l, DiscoverStore(fs, root, o.geometry));
  LogReader reader(&fs, &l.commit_log_files, l.geometry.commit_log_file_size);
  DumpFilter match;
  match.topic = o.topic;
  if (o.id) match.msg_id = o.id;
  if (o.key) match.key = o.key;
  auto emit = [&](const engine::RecordView& r) {
    out(FormatMessage(r, o.format));
    ++res.found;
  };

  if (o.id) {
    if (absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(*o.id);
        id.ok()) {
      TERN_ASSIGN_OR_RETURN(RecordAt rec,
                            reader.ReadAt(id->offset.value(), engine::CrcCheck::kVerify));
      if (rec.valid() && match.Matches(rec.result.record)) {
        res.method = "offset message id";
        emit(rec.result.record);
        return res;
      }
    }
  }

  std::vector<std::string> topics;
  if (o.topic) {
    topics.push_back(*o.topic);
  } else {
    for (const QueueDir& q : l.queues) {
      if (topics.empty() || topics.back() != q.topic) topics.push_back(q.topic);
    }
  }
  if (std::optional<std::vector<int64_t>> offsets =
          IndexLookup(fs, l, topics, o.id ? *o.id : *o.key, &res.note)) {
    for (const int64_t off : *offsets) {
      TERN_ASSIGN_OR_RETURN(RecordAt rec, reader.ReadAt(off, engine::CrcCheck::kVerify));
      if (rec.valid() && match.Matches(rec.result.record)) emit(rec.result.record);
    }
    if (res.found > 0) {
      res.method = "index";
      return res;
    }
    if (res.note.empty()) res.note = "not in the index";
  }
  if (!o.scan_fallback || l.commit_log_files.empty()) return res;
  res.method = "scan";
  LogScanner scanner(&fs, l.commit_log_files, l.geometry.commit_log_file_size, ScanOptions{});
  for (;;) {
    TERN_ASSIGN_OR_RETURN(ScanItem item, scanner.Next());
    if (item.status == ScanStatus::kEnd) break;
    if (item.status == ScanStatus::kRecord && match.Matches(item.record)) emit(item.record);
  }
  return res;
}

}  // namespace tern::inspect
