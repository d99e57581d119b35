// Text and JSON renderings of a VerifyReport.
#include <fmt/format.h>

#include "engine/inspect/format_util.h"
#include "engine/inspect/json_out.h"
#include "engine/inspect/verify.h"

namespace tern::inspect {
namespace {

double MegabytesPerSecond(const VerifyReport& r) {
  return r.seconds > 0 ? static_cast<double>(r.bytes_walked) / 1e6 / r.seconds : 0;
}

}  // namespace

std::string VerifyReportText(const VerifyReport& r) {
  const StoreLayout& l = r.layout;
  const StoreGeometry& g = l.geometry;
  std::string out = fmt::format("store {}\n", l.root);
  out += fmt::format("  geometry    CommitLog files of {} bytes, ConsumeQueue {} units/file",
                     g.commit_log_file_size, g.cq_units_per_file);
  if (!l.index_files.empty()) {
    out += g.index_geometry_known
               ? fmt::format(", index {} slots / {} entries", g.index_hash_slot_num, g.index_num)
               : ", index geometry unknown";
  }
  out += "\n";
  out += fmt::format(
      "  commitlog   {} files, {} walked; {} records, {} BLANK fillers; valid data [{}, {}); "
      "store times {} .. {}\n",
      l.commit_log_files.size(), FormatBytes(r.bytes_walked), r.records, r.blanks, r.log_min_offset,
      r.log_end_offset, FormatMillis(r.first_store_timestamp),
      FormatMillis(r.last_store_timestamp));
  if (r.quarantined_records > 0) {
    out += fmt::format("              {} quarantined records ({}) left by an earlier repair\n",
                       r.quarantined_records, kQuarantineTopic);
  }
  out += fmt::format("  consumequeue {} queues, {} units ({} fillers)\n", r.queues, r.cq_units,
                     r.cq_fillers);
  out += fmt::format("  index       {} files, {} entries\n", r.index_files, r.index_entries);
  out += fmt::format("  checkpoint  {}; abort file {}; lock file {}\n",
                     l.has_checkpoint ? "present" : "missing", l.has_abort ? "present" : "absent",
                     l.has_lock ? "present" : "absent");
  out += fmt::format("  took {:.2f} s ({:.0f} MB/s over the CommitLog)\n", r.seconds,
                     MegabytesPerSecond(r));
  for (const Defect& d : r.defects) {
    out += fmt::format("{} {}/{} {}", d.severity == Severity::kDefect ? "DEFECT" : "WARNING",
                       d.area, d.kind, RelativePath(d.file, l.root));
    if (d.offset >= 0) out += fmt::format(" @ {}", d.offset);
    if (d.log_offset >= 0) out += fmt::format(" (log offset {}", d.log_offset);
    if (d.record_index >= 0) out += fmt::format(", record #{}", d.record_index);
    if (d.log_offset >= 0) out += ")";
    out += fmt::format(": {}\n", d.message);
  }
  const int64_t shown = static_cast<int64_t>(r.defects.size());
  if (r.defect_count + r.warning_count > shown) {
    out += fmt::format("... {} more not shown; counts by kind:",
                       r.defect_count + r.warning_count - shown);
    for (const auto& [kind, n] : r.count_by_kind) out += fmt::format(" {}={}", kind, n);
    out += "\n";
  }
  out += r.clean()
             ? fmt::format("result: clean ({} warnings)\n", r.warning_count)
             : fmt::format("result: {} defects, {} warnings\n", r.defect_count, r.warning_count);
  return out;
}

std::string VerifyReportJson(const VerifyReport& r) {
  const StoreLayout& l = r.layout;
  JsonOut j;
  j.BeginObject();
  j.Field("store", l.root);
  j.Field("clean", r.clean());
  j.Field("defects", r.defect_count);
  j.Field("warnings", r.warning_count);
  j.Key("geometry");
  j.BeginObject();
  j.Field("commitLogFileSize", static_cast<int64_t>(l.geometry.commit_log_file_size));
  j.Field("cqUnitsPerFile", static_cast<int64_t>(l.geometry.cq_units_per_file));
  j.Field("indexHashSlotNum", l.geometry.index_hash_slot_num);
  j.Field("indexNum", l.geometry.index_num);
  j.Key("notes");
  j.BeginArray();
  for (const std::string& n : l.geometry.notes) j.String(n);
  j.EndArray();
  j.EndObject();
  j.Key("commitLog");
  j.BeginObject();
  j.Field("files", static_cast<int64_t>(l.commit_log_files.size()));
  j.Field("bytesWalked", r.bytes_walked);
  j.Field("records", r.records);
  j.Field("blanks", r.blanks);
  j.Field("quarantinedRecords", r.quarantined_records);
  j.Field("minOffset", r.log_min_offset);
  j.Field("endOffset", r.log_end_offset);
  j.Field("firstStoreTimestamp", r.first_store_timestamp);
  j.Field("lastStoreTimestamp", r.last_store_timestamp);
  j.EndObject();
  j.Key("consumeQueue");
  j.BeginObject();
  j.Field("queues", r.queues);
  j.Field("units", r.cq_units);
  j.Field("fillers", r.cq_fillers);
  j.EndObject();
  j.Key("index");
  j.BeginObject();
  j.Field("files", r.index_files);
  j.Field("entries", r.index_entries);
  j.EndObject();
  j.Field("checkpoint", l.has_checkpoint);
  j.Field("abort", l.has_abort);
  j.Key("seconds");
  j.Double(r.seconds);
  j.Key("megabytesPerSecond");
  j.Double(MegabytesPerSecond(r));
  j.Key("countByKind");
  j.BeginObject();
  for (const auto& [kind, n] : r.count_by_kind) j.Field(kind, n);
  j.EndObject();
  j.Key("findings");
  j.BeginArray();
  for (const Defect& d : r.defects) {
    j.BeginObject();
    j.Field("severity", d.severity == Severity::kDefect ? "defect" : "warning");
    j.Field("area", d.area);
    j.Field("kind", d.kind);
    j.Field("file", d.file);
    j.Field("offset", d.offset);
    if (d.log_offset >= 0) j.Field("logOffset", d.log_offset);
    if (d.record_index >= 0) j.Field("recordIndex", d.record_index);
    if (d.length > 0) j.Field("length", d.length);
    j.Field("message", d.message);
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  return std::move(j).Take();
}

}  // namespace tern::inspect
