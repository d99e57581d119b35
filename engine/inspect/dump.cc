#include "engine/inspect/dump.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <thread>

#include "engine/base/status.h"
#include "engine/consume_queue_format.h"
#include "engine/inspect/log_reader.h"
#include "engine/inspect/log_scanner.h"
#include "engine/properties.h"

namespace tern::inspect {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool HasKey(std::string_view props, std::string_view key) {
  bool found = false;
  engine::ForEachProperty(props, [&](std::string_view name, std::string_view value) {
    if (name == engine::property::kUniqueClientMessageIdKey && value == key) found = true;
    if (name == engine::property::kKeys) {
      engine::ForEachKey(value, [&](std::string_view k) { found |= k == key; });
    }
  });
  return found;
}

// The start of the file holding `offset` (files ascending), or the first file's start.
int64_t FileStartOf(const std::vector<FileEntry>& files, int64_t offset) {
  int64_t start = files.front().from_offset;
  for (const FileEntry& f : files) {
    if (f.from_offset <= offset) start = f.from_offset;
  }
  return start;
}

// The CommitLog offset of unit `k` of a queue, if it holds a real unit.
absl::StatusOr<std::optional<int64_t>> UnitOffset(engine::FileSystem& fs, const StoreLayout& l,
                                                  std::string_view topic, int32_t queue,
                                                  int64_t k) {
  const QueueDir* q = l.FindQueue(topic, queue);
  if (q == nullptr) return std::optional<int64_t>();
  const int64_t byte = k * static_cast<int64_t>(engine::kCqUnitSize);
  for (const FileEntry& f : q->files) {
    if (byte < f.from_offset || byte + static_cast<int64_t>(engine::kCqUnitSize) >
                                    f.from_offset + static_cast<int64_t>(f.size)) {
      continue;
    }
    TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> m, MapReadOnly(&fs, f));
    const engine::CqUnit u = engine::DecodeCqUnit(m->data() + (byte - f.from_offset));
    if (u.is_valid() && !u.is_filler()) return std::optional<int64_t>(u.physical_offset);
  }
  return std::optional<int64_t>();
}

}  // namespace

bool DumpFilter::Matches(const engine::RecordView& r) const {
  if (topic && r.topic != *topic) return false;
  if (queue_id && r.queue_id != *queue_id) return false;
  if (r.queue_offset < from_queue_offset || r.queue_offset >= to_queue_offset) return false;
  if (r.physical_offset < from_offset || r.physical_offset >= to_offset) return false;
  if (r.store_timestamp < from_time || r.store_timestamp >= to_time) return false;
  if (tag && engine::FindProperty(r.properties, engine::property::kTags) != *tag) return false;
  if (key && !HasKey(r.properties, *key)) return false;
  if (msg_id) {
    const bool offset_id =
        engine::OffsetMessageId(r.store_host, PhysicalOffset(r.physical_offset)) == Upper(*msg_id);
    if (!offset_id && engine::FindProperty(
                          r.properties, engine::property::kUniqueClientMessageIdKey) != *msg_id) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<DumpStats> DumpStore(engine::FileSystem& fs, const std::string& root,
                                    const DumpOptions& o,
                                    const std::function<void(std::string_view)>& out,
                                    const std::function<void(std::string_view)>& note) {
  DumpStats stats;
  TERN_ASSIGN_OR_RETURN(const StoreLayout layout, DiscoverStore(fs, root, o.geometry));
  if (layout.commit_log_files.empty() && !o.follow) return stats;
  const DumpFilter& f = o.filter;
  const uint64_t file_size = layout.geometry.commit_log_file_size;
  std::vector<FileEntry> files = layout.commit_log_files;
  auto emit = [&](const engine::RecordView& r) {
    out(FormatMessage(r, o.format));
    ++stats.printed;
    return o.limit >= 0 && stats.printed >= o.limit;
  };

  // An offset message id names its record's offset: no walk needed when it is there.
  if (f.msg_id && !o.follow && !files.empty()) {
    if (absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(*f.msg_id);
        id.ok()) {
      LogReader reader(&fs, &files, file_size);
      TERN_ASSIGN_OR_RETURN(RecordAt rec,
                            reader.ReadAt(id->offset.value(), engine::CrcCheck::kVerify));
      if (rec.valid() && f.Matches(rec.result.record)) {
        ++stats.records_walked;
        emit(rec.result.record);
        return stats;
      }
    }
  }

  int64_t start = -1;
  if (!files.empty()) {
    start = files.front().from_offset;
    if (f.from_offset > start) start = FileStartOf(files, f.from_offset);
    if (f.topic && f.queue_id && f.from_queue_offset > 0) {
      TERN_ASSIGN_OR_RETURN(std::optional<int64_t> at,
                            UnitOffset(fs, layout, *f.topic, *f.queue_id, f.from_queue_offset));
      if (at) start = std::max(start, FileStartOf(files, *at));
    }
    if (f.from_time > std::numeric_limits<int64_t>::min()) {
      LogReader reader(&fs, &files, file_size);
      for (const FileEntry& file : files) {
        TERN_ASSIGN_OR_RETURN(RecordAt rec,
                              reader.ReadAt(file.from_offset, engine::CrcCheck::kSkip));
        if (!rec.valid() || rec.result.record.store_timestamp >= f.from_time) break;
        start = std::max(start, file.from_offset);
      }
    }
  }

  ScanOptions so;
  so.start_offset = start;
  so.follow = o.follow;
  auto scanner = std::make_unique<LogScanner>(&fs, files, file_size, so);
  for (;;) {
    TERN_ASSIGN_OR_RETURN(ScanItem item, scanner->Next());
    if (item.status == ScanStatus::kRecord) {
      ++stats.records_walked;
      if (!o.follow && item.offset >= f.to_offset) break;
      if (f.Matches(item.record) && emit(item.record)) break;
      continue;
    }
    if (item.status == ScanStatus::kDamage) {
      ++stats.damaged_ranges;
      const LogDamage& d = item.damage;
      note(fmt::format("damaged {} [{}, {}) in {} @ {}: {}", DamageKindName(d.kind), d.begin, d.end,
                       d.file, d.begin - d.file_start, d.reason));
      continue;
    }
    if (item.status == ScanStatus::kBlank) continue;
    if (!o.follow || (o.stop && o.stop())) break;
    std::this_thread::sleep_for(o.poll_interval);
    TERN_ASSIGN_OR_RETURN(std::vector<FileEntry> now,
                          ListCommitLogFiles(fs, layout.commit_log_dir));
    if (files.empty() && !now.empty()) {
      files = now;
      so.start_offset = files.front().from_offset;
      scanner = std::make_unique<LogScanner>(&fs, files, file_size, so);
    } else if (now.size() != files.size() ||
               (!now.empty() && now.front().from_offset != files.front().from_offset)) {
      files = now;
      scanner->Refresh(files);
    }
  }
  return stats;
}

}  // namespace tern::inspect
