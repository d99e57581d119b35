// repair_log.h: the CommitLog edits `repair` makes, as pure functions over a mapped range
// (repair.cc decides where and backs files up first). Encoding goes through the engine's codec.
// Not part of the library's API.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/base/bytes.h"

namespace tern::inspect::internal {

// True if `range` (a damaged range starting at absolute offset `begin`) decodes as one whole
// record at `begin`, body CRC included, once its TOTALSIZE and MAGICCODE are rewritten: the
// header was overwritten but the record is intact. Does not modify `range`.
bool HeaderRestorable(ByteSpan range, int64_t begin);
// Rewrites TOTALSIZE and MAGICCODE of `range` (HeaderRestorable must be true).
void RestoreHeader(MutableByteSpan range);

// Smallest range WriteQuarantine can fill.
size_t MinQuarantineSize();
// Overwrites `range` (absolute offset `begin`) with quarantine records: topic
// TERN_QUARANTINED, transaction type ROLLBACK, zero bodies, property TERN_QUARANTINE = `reason`,
// store time `store_timestamp`; each at most 1 MiB. `range` must hold at least
// MinQuarantineSize() bytes. Returns how many records were written.
int WriteQuarantine(MutableByteSpan range, int64_t begin, int64_t store_timestamp,
                    std::string_view reason);

}  // namespace tern::inspect::internal
