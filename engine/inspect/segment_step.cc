#include "engine/inspect/segment_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/commit_log_format.h"
#include "engine/recovery.h"

namespace tern::inspect {

SegmentStep StepSegment(ByteSpan segment, size_t pos, int64_t base, engine::CrcCheck crc) {
  using engine::DecodeStatus;
  SegmentStep s;
  s.pos = pos;
  const int64_t at = base + static_cast<int64_t>(pos);
  const engine::DecodeResult r = engine::DecodeRecord(segment.subspan(pos), crc);
  size_t search_from = pos + 1;
  if (r.status == DecodeStatus::kRecord) {
    const bool complete = engine::RecordLooksComplete(r.record);
    if (r.record.physical_offset == at && complete) {
      s.kind = StepKind::kRecord;
      s.decoded = r;
      s.next = pos + r.record.raw.size();
      return s;
    }
    if (complete) {
      s.kind = StepKind::kDamage;
      s.misplaced = true;
      s.next = pos + r.record.raw.size();
      s.reason = fmt::format("valid record claims physical offset {} (misnamed or misplaced file?)",
                             r.record.physical_offset);
      return s;
    }
    s.reason = "torn record (zero last byte or invalid topic)";
  } else if (r.status == DecodeStatus::kBlank) {
    const size_t left = segment.size() - pos;
    // The bytes after a BLANK header are unspecified (Java 4.8 leaves stale buffer bytes), so
    // only a record that decodes at its own physical offset counts as hidden behind it.
    const int64_t hidden =
        engine::FindNextValidRecord(segment, pos + engine::format::kBlankHeaderSize, base);
    if (static_cast<size_t>(r.blank_size) == left && hidden < 0) {
      s.kind = StepKind::kBlank;
      s.next = segment.size();
      return s;
    }
    if (static_cast<size_t>(r.blank_size) == left) {
      s.kind = StepKind::kDamage;
      s.next = static_cast<size_t>(hidden);
      s.reason = fmt::format("BLANK filler hides valid records (first at {})", base + hidden);
      return s;
    }
    s.reason = fmt::format("BLANK filler of {} bytes in the middle of the file ({} bytes left)",
                           r.blank_size, left);
    search_from = pos + engine::format::kBlankHeaderSize;
  } else {
    s.reason = std::string(engine::CorruptionName(r.corruption));
  }
  // Invalid at pos: find where valid data resumes in this segment, if anywhere.
  const size_t nz = FirstNonZero(segment, pos);
  if (nz < segment.size()) {
    search_from = std::max(search_from, nz >= 4 ? nz - 4 : size_t{0});
    const int64_t next = engine::FindNextValidRecord(segment, search_from, base);
    if (next >= 0) {
      s.kind = StepKind::kDamage;
      s.next = static_cast<size_t>(next);
      if (nz >= static_cast<size_t>(next)) {
        s.reason = "zero bytes where a record should be";
      }
      return s;
    }
    s.kind = StepKind::kGarbageTail;
    s.next = segment.size();
    // A record's first non-zero byte is within its 4-byte TOTALSIZE.
    s.nonzero_begin = nz - pos < 8 ? pos : nz;
    s.nonzero_end = EndOfNonZero(segment, pos);
    return s;
  }
  s.kind = StepKind::kZeroTail;
  s.next = segment.size();
  return s;
}

}  // namespace tern::inspect
