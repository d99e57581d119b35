// Fuzzes the offline verify walk (engine/inspect/segment_step.h) over arbitrary CommitLog
// segment bytes: every step makes progress and stays inside the segment, a decoded record lies
// inside it, and a damaged range that `repair` would quarantine becomes a run of valid records
// covering exactly that range.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/base/check.h"
#include "engine/consume_queue_format.h"
#include "engine/inspect/repair_log.h"
#include "engine/inspect/segment_step.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::inspect;  // NOLINT(google-build-using-namespace)
  if (size < 8) return 0;
  // The first 8 bytes choose the segment's base offset; the rest is the segment.
  const int64_t base = static_cast<int64_t>(tern::LoadBE64(data) & 0x00FFFFFFFFFFFFFFull);
  const tern::ByteSpan seg(data + 8, size - 8);
  std::vector<uint8_t> copy(seg.begin(), seg.end());
  size_t pos = 0;
  int steps = 0;
  while (pos < seg.size() && steps++ < 100000) {
    const SegmentStep s = StepSegment(seg, pos, base, tern::engine::CrcCheck::kVerify);
    TERN_CHECK(s.pos == pos && s.next > pos && s.next <= seg.size());
    if (s.kind == StepKind::kRecord) {
      const tern::ByteSpan raw = s.decoded.record.raw;
      TERN_CHECK(raw.data() == seg.data() + pos && raw.size() == s.next - pos);
    }
    if (s.kind == StepKind::kGarbageTail) {
      TERN_CHECK(s.nonzero_begin >= pos && s.nonzero_begin <= s.nonzero_end &&
                 s.nonzero_end <= seg.size());
    }
    if (s.kind == StepKind::kDamage && !s.misplaced) {
      const tern::MutableByteSpan range(copy.data() + pos, s.next - pos);
      const int64_t at = base + static_cast<int64_t>(pos);
      if (internal::HeaderRestorable(tern::ByteSpan(range), at)) {
        internal::RestoreHeader(range);
      } else if (range.size() >= internal::MinQuarantineSize()) {
        internal::WriteQuarantine(range, at, 1, "fuzz");
      } else {
        pos = s.next;
        continue;
      }
      // The repaired range now reads as records up to exactly where valid data resumed.
      const tern::ByteSpan fixed(copy.data(), copy.size());
      size_t p = pos;
      while (p < s.next) {
        const SegmentStep r = StepSegment(fixed, p, base, tern::engine::CrcCheck::kVerify);
        TERN_CHECK(r.kind == StepKind::kRecord && r.next <= s.next);
        p = r.next;
      }
    }
    pos = s.next;
  }
  for (size_t i = 0; i + tern::engine::kCqUnitSize <= seg.size(); i += tern::engine::kCqUnitSize) {
    const tern::engine::CqUnit u = tern::engine::DecodeCqUnit(seg.data() + i);
    (void)u.is_filler();
  }
  return 0;
}
