#include "engine/recovery.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "engine/commit_log_format.h"
#include "engine/zero_scan.h"

namespace tern::engine {
namespace {

bool FirstRecordValid(const MappedFile& f, int64_t* store_ts) {
  const DecodeResult r = DecodeRecord(ByteSpan(f.data(), f.size()), CrcCheck::kVerify);
  if (r.status != DecodeStatus::kRecord) return false;
  *store_ts = r.record.store_timestamp;
  return true;
}

}  // namespace

int64_t FindNextValidRecord(ByteSpan bytes, size_t from, int64_t base_offset) {
  uint8_t magic[4];
  StoreBE32(magic, static_cast<uint32_t>(format::kMessageMagic));
  for (size_t p = from; p + format::kFixedSizeIpv4 <= bytes.size(); ++p) {
    const void* hit = std::memchr(bytes.data() + p + 4, magic[0], bytes.size() - p - 4);
    if (hit == nullptr) return -1;
    p = static_cast<size_t>(static_cast<const uint8_t*>(hit) - bytes.data()) - 4;
    if (p + format::kFixedSizeIpv4 > bytes.size()) return -1;
    if (std::memcmp(bytes.data() + p + 4, magic, 4) != 0) continue;
    const DecodeResult r = DecodeRecord(bytes.subspan(p), CrcCheck::kVerify);
    if (r.status == DecodeStatus::kRecord && RecordLooksComplete(r.record) &&
        (base_offset < 0 || r.record.physical_offset == base_offset + static_cast<int64_t>(p))) {
      return static_cast<int64_t>(p);
    }
  }
  return -1;
}

std::string RecoveryReport::Summary() const {
  std::string s = fmt::format(
      "{} shutdown; scanned {} records ({} bytes) from offset {}{}; log ends at {}; cut {} "
      "bytes of torn tail, deleted {} files; re-dispatched {} records; {} quarantined ranges; "
      "took {} ms",
      clean_shutdown ? "clean" : "unclean", records_scanned, bytes_scanned, scan_start,
      used_checkpoint_extension ? " (checkpoint)" : " (no checkpoint extension)", end_offset,
      bytes_cut, files_deleted, records_redispatched, quarantined.size(), duration_micros / 1000);
  for (const QuarantinedRange& q : quarantined) {
    s += fmt::format("; quarantined [{}, {}): {}", q.begin, q.end, q.reason);
  }
  return s;
}

std::vector<std::pair<int64_t, int64_t>> RecoveryReport::QuarantineRanges() const {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const QuarantinedRange& q : quarantined) out.emplace_back(q.begin, q.end);
  return out;
}

absl::StatusOr<RecoveryReport> RecoverStore(const RecoveryInputs& in) {
  RecoveryReport report;
  report.clean_shutdown = in.clean_shutdown;

  // 1. ConsumeQueues: find their valid ends; note how far they index the log.
  int64_t cq_phys_end = 0;
  for (const std::shared_ptr<ConsumeQueue>& cq : in.queues->All()) {
    if (absl::Status s = cq->RecoverEnd(); !s.ok()) return s;
    cq_phys_end = std::max(cq_phys_end, cq->max_physical_end());
  }

  std::vector<std::shared_ptr<MappedFile>> files = in.log->files().Files();
  if (files.empty()) {
    // No log: nothing derived from it can be trusted.
    for (const std::shared_ptr<ConsumeQueue>& cq : in.queues->All()) {
      if (absl::Status s = cq->Destroy(); !s.ok()) return s;
    }
    if (in.truncate_index_from) {
      if (absl::Status s = in.truncate_index_from(0); !s.ok()) return s;
    }
    if (absl::Status s = in.log->SetEnd(0); !s.ok()) return s;
    return report;
  }
  const auto file_size = static_cast<int64_t>(in.log->options().file_size);
  auto file_start = [&](int64_t offset) { return offset - offset % file_size; };

  // 2. Where to start.
  int64_t start;
  int64_t durable = -1;  // end of data known durable; -1 when unknown
  const std::optional<CheckpointExtension> ext =
      in.checkpoint != nullptr ? in.checkpoint->extension() : std::nullopt;
  if (ext) {
    report.used_checkpoint_extension = true;
    start = std::min(ext->commit_log_flushed_offset, ext->dispatched_offset);
    // ConsumeQueues that lost units (a deleted directory, torn pages) are rebuilt too.
    start = std::min(start, cq_phys_end);
    durable = ext->commit_log_flushed_offset;
  } else if (in.clean_shutdown || in.checkpoint == nullptr) {
    start = files[files.size() >= 3 ? files.size() - 3 : 0]->from_offset();
    start = std::min(start, file_start(cq_phys_end));
  } else {
    const int64_t bound = in.checkpoint->min_timestamp(false) - 3000;
    start = files.front()->from_offset();
    for (size_t i = files.size(); i-- > 0;) {
      int64_t ts = 0;
      if (FirstRecordValid(*files[i], &ts) && ts != 0 && ts <= bound) {
        start = files[i]->from_offset();
        break;
      }
    }
    start = std::min(start, file_start(cq_phys_end));
  }
  start = std::max(start, files.front()->from_offset());
  if (start > files.back()->end_offset()) start = files.back()->from_offset();
  report.scan_start = start;

  // 3. Scan.
  int64_t offset = start;
  std::shared_ptr<MappedFile> f = in.log->files().FindFile(offset);
  int64_t end = offset;
  while (f) {
    const auto pos = static_cast<size_t>(offset - f->from_offset());
    if (pos >= f->size()) {
      f = in.log->files().NextFile(*f);
      offset = end = f ? f->from_offset() : offset;
      continue;
    }
    const ByteSpan rest(f->data() + pos, f->size() - pos);
    const DecodeResult r = DecodeRecord(rest, CrcCheck::kVerify);
    if (r.status == DecodeStatus::kRecord && r.record.physical_offset == offset &&
        RecordLooksComplete(r.record)) {
      ++report.records_scanned;
      report.bytes_scanned += r.record.total_size();
      offset += r.record.total_size();
      end = offset;
      continue;
    }
    // A BLANK filler ends its file exactly; one that stops short is damage (a stray header
    // must not hide the records after it).
    const bool blank_at_end =
        r.status == DecodeStatus::kBlank && pos + static_cast<size_t>(r.blank_size) == f->size();
    if (blank_at_end) {
      report.bytes_scanned += r.blank_size;
      offset = f->end_offset();
      end = offset;
      f = in.log->files().NextFile(*f);
      continue;
    }
    // Invalid here. All zero to the end of the file: the normal end of written data.
    const size_t nz = FirstNonZeroInFile(ByteSpan(f->data(), f->size()), f->fd(), pos);
    std::shared_ptr<MappedFile> next = in.log->files().NextFile(*f);
    const bool next_valid = next && [&] {
      int64_t ts = 0;
      return FirstRecordValid(*next, &ts);
    }();
    if (nz == f->size() && !next_valid) break;
    const std::string reason =
        r.status == DecodeStatus::kBlank
            ? fmt::format("BLANK filler of {} bytes that does not reach the end of its file",
                          r.blank_size)
        : r.status != DecodeStatus::kRecord ? std::string(CorruptionName(r.corruption))
        : r.record.physical_offset != offset
            ? fmt::format("record claims physical offset {}", r.record.physical_offset)
            : std::string("torn record (zero tail or invalid topic)");
    if (durable >= 0 && offset >= durable) break;  // torn tail beyond the durable end
    // Corruption (or a crash with an unknown durable end): resynchronise if valid data follows.
    const size_t search_from = std::max(pos + 1, nz >= 4 ? nz - 4 : 0);
    const int64_t p =
        FindNextValidRecord(ByteSpan(f->data(), f->size()), search_from, f->from_offset());
    if (p >= 0) {
      report.quarantined.push_back({offset, f->from_offset() + p, reason});
      offset = f->from_offset() + p;
      continue;
    }
    if (next_valid) {
      report.quarantined.push_back({offset, f->end_offset(), reason});
      offset = f->end_offset();
      f = next;
      continue;
    }
    break;  // nothing valid after it: a torn tail after all
  }

  // 4. Cut the log at `end`; measure what is thrown away (files starting at or after `end`
  // are deleted by SetEnd, the file containing it is zero-filled after it).
  for (const std::shared_ptr<MappedFile>& g : in.log->files().Files()) {
    if (g->from_offset() >= end) {
      report.bytes_cut +=
          static_cast<int64_t>(EndOfNonZeroInFile(ByteSpan(g->data(), g->size()), g->fd(), 0));
      ++report.files_deleted;
    } else if (g->end_offset() > end) {
      const auto pos = static_cast<size_t>(end - g->from_offset());
      report.bytes_cut += static_cast<int64_t>(
          EndOfNonZeroInFile(ByteSpan(g->data(), g->size()), g->fd(), pos) - pos);
    }
  }
  if (absl::Status s = in.log->SetEnd(end); !s.ok()) return s;
  report.end_offset = end;

  // 5. Derived data at or after the scan start is rebuilt by re-dispatch.
  for (const std::shared_ptr<ConsumeQueue>& cq : in.queues->All()) {
    if (absl::Status s = cq->TruncateFromPhysical(start); !s.ok()) return s;
  }
  if (in.truncate_index_from) {
    if (absl::Status s = in.truncate_index_from(start); !s.ok()) return s;
  }
  return report;
}

}  // namespace tern::engine
