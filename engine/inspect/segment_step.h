// segment_step.h: one step of a CommitLog segment walk, as a pure function over the segment's
// bytes. The streaming scanner (log_scanner.h) strings steps together across files; the verify
// fuzzer calls it on arbitrary bytes.
//
// Every record is decoded by the engine's codec (commit_log_codec.h), and resynchronisation
// after damage uses the engine's FindNextValidRecord, so the tools see records exactly where
// the broker's recovery sees them. A record is valid here when it decodes (magic, lengths,
// body CRC unless skipped), its PHYSICALOFFSET equals its position, and RecordLooksComplete.
//
// Pure and thread-safe; results borrow `segment` (the decoded record's views point into it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/bytes.h"
#include "engine/commit_log_codec.h"
#include "engine/zero_scan.h"

namespace tern::inspect {

enum class StepKind {
  kRecord,       // a valid record at pos; continue at next
  kBlank,        // a BLANK filler reaching the segment end, hiding no valid record
  kDamage,       // invalid bytes [pos, next); a valid record starts at next
  kZeroTail,     // zero bytes from pos to the segment end, no valid record among them
  kGarbageTail,  // non-zero bytes from pos on (up to nonzero_end) and no valid record after
};

struct SegmentStep {
  StepKind kind = StepKind::kZeroTail;
  size_t pos = 0;
  size_t next = 0;
  engine::DecodeResult decoded;  // kRecord: the record
  std::string reason;            // kDamage, kGarbageTail: what is wrong at pos
  // kDamage: the bytes at pos are a valid record claiming another physical offset (a misnamed
  // or misplaced file); next = pos + its size.
  bool misplaced = false;
  // kGarbageTail: where the non-zero bytes start (pos, when a record header may start there;
  // else the first non-zero byte after a run of zeros) and one past the last one.
  size_t nonzero_begin = 0;
  size_t nonzero_end = 0;
};

// Classifies what starts at `pos` (< segment.size()) of a segment whose first byte is at
// absolute CommitLog offset `base`.
SegmentStep StepSegment(ByteSpan segment, size_t pos, int64_t base, engine::CrcCheck crc);

// Zero scans (engine/zero_scan.h), used by the walkers of this directory.
using engine::EndOfNonZero;
using engine::FirstNonZero;

}  // namespace tern::inspect
