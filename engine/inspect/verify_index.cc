// The IndexFile pass of VerifyStore: structure (the engine's IndexFile::Validate) and every
// entry against the CommitLog record it points at.
#include <fmt/format.h>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/index/index_file.h"
#include "engine/inspect/verify_internal.h"
#include "engine/properties.h"

namespace tern::inspect::internal {
namespace {

// True if `key_hash` is the index hash of one of the keys the broker indexes for `r`:
// topic#UNIQ_KEY and topic#k for each KEYS token.
bool IndexesKey(const engine::RecordView& r, int32_t key_hash, std::string& buf) {
  bool found = false;
  auto check = [&](std::string_view key) {
    buf.assign(r.topic);
    buf += engine::kIndexKeySeparator;
    buf += key;
    if (engine::IndexKeyHash(buf) == key_hash) found = true;
  };
  engine::ForEachProperty(r.properties, [&](std::string_view name, std::string_view value) {
    if (name == engine::property::kUniqueClientMessageIdKey) {
      check(value);
    } else if (name == engine::property::kKeys) {
      engine::ForEachKey(value, check);
    }
  });
  return found;
}

}  // namespace

absl::Status CheckIndex(VerifyContext& ctx) {
  VerifyReport& rep = *ctx.report;
  const StoreLayout& l = rep.layout;
  const StoreGeometry& g = l.geometry;
  if (!g.index_geometry_known) return absl::OkStatus();
  const size_t size = engine::IndexFileSize(g.index_hash_slot_num, g.index_num);
  int64_t done = 0;
  for (const FileEntry& f : l.index_files) {
    ctx.Progress("index", done++, static_cast<int64_t>(l.index_files.size()));
    if (f.size != size) continue;  // reported by the layout pass
    absl::StatusOr<std::shared_ptr<engine::IndexFile>> file = engine::IndexFile::Open(
        ctx.fs, f.path, g.index_hash_slot_num, g.index_num, engine::Access::kReadOnly);
    if (!file.ok()) {
      ctx.Fail("index", "index_header", f.path, 0, std::string(MessageOf(file.status())));
      continue;
    }
    ++rep.index_files;
    rep.index_entries += (*file)->entry_count();
    if (absl::Status s = (*file)->Validate(); !s.ok()) {
      ctx.Fail("index", "index_chain", f.path, -1, std::string(MessageOf(s)));
    }
    absl::Status io;
    std::string buf;
    (*file)->ForEachEntry([&](int32_t n, const engine::IndexEntry& e) {
      if (!io.ok() || e.phy_offset < rep.log_min_offset) return;
      const auto at = static_cast<int64_t>(engine::IndexEntryPos(g.index_hash_slot_num, n));
      if (e.phy_offset >= rep.log_end_offset) {
        ctx.Fail("index", "index_past_end", f.path, at,
                 fmt::format("entry {} points at {}, past the end of valid CommitLog data {}", n,
                             e.phy_offset, rep.log_end_offset));
        return;
      }
      if (const LogDamage* d = ctx.DamageAt(e.phy_offset); d != nullptr) {
        ctx.Fail("index", "index_points_at_damage", f.path, at,
                 fmt::format("entry {} points at {}, inside the damaged CommitLog range [{}, {})",
                             n, e.phy_offset, d->begin, d->end));
        return;
      }
      absl::StatusOr<RecordAt> rec = ctx.reader.ReadAt(e.phy_offset, engine::CrcCheck::kSkip);
      if (!rec.ok()) {
        io = rec.status();
        return;
      }
      if (!rec->valid()) {
        ctx.Fail("index", "index_not_a_record", f.path, at,
                 fmt::format("entry {} points at {}, where no record starts", n, e.phy_offset));
      } else if (!IndexesKey(rec->result.record, e.key_hash, buf)) {
        ctx.Fail(
            "index", "index_key_mismatch", f.path, at,
            fmt::format("entry {} (key hash {}) points at {}, a record of {} without such a key", n,
                        e.key_hash, e.phy_offset, rec->result.record.topic));
      }
    });
    TERN_RETURN_IF_ERROR(io);
  }
  return absl::OkStatus();
}

}  // namespace tern::inspect::internal
