// The IndexFile pass of VerifyStore: structure (the engine's IndexFile::Validate) and every
// entry against the CommitLog record it points at.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/index/index_file.h"
#include "engine/inspect/verify_internal.h"
#include "engine/properties.h"

namespace tern::inspect::internal {
namespace {

// The index hashes of the keys the broker indexes for `r`: topic#UNIQ_KEY and topic#k for
// each KEYS token.
void KeyHashes(const engine::RecordView& r, std::string& buf, std::vector<int32_t>& out) {
  out.clear();
  auto add = [&](std::string_view key) {
    buf.assign(r.topic);
    buf += engine::kIndexKeySeparator;
    buf += key;
    out.push_back(engine::IndexKeyHash(buf));
  };
  engine::ForEachProperty(r.properties, [&](std::string_view name, std::string_view value) {
    if (name == engine::property::kUniqueClientMessageIdKey) {
      add(value);
    } else if (name == engine::property::kKeys) {
      engine::ForEachKey(value, add);
    }
  });
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
    // Entries of one message are consecutive: decode each record once.
    int64_t cached_phy = -1;
    bool cached_valid = false;
    std::string cached_topic;
    std::vector<int32_t> hashes;
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
      if (e.phy_offset != cached_phy) {
        absl::StatusOr<RecordAt> rec = ctx.reader.ReadAt(e.phy_offset, engine::CrcCheck::kSkip);
        if (!rec.ok()) {
          io = rec.status();
          return;
        }
        cached_phy = e.phy_offset;
        cached_valid = rec->valid();
        if (cached_valid) {
          KeyHashes(rec->result.record, buf, hashes);
          cached_topic.assign(rec->result.record.topic);
        }
      }
      if (!cached_valid) {
        ctx.Fail("index", "index_not_a_record", f.path, at,
                 fmt::format("entry {} points at {}, where no record starts", n, e.phy_offset));
      } else if (std::find(hashes.begin(), hashes.end(), e.key_hash) == hashes.end()) {
        ctx.Fail("index", "index_key_mismatch", f.path, at,
                 fmt::format("entry {} (key hash {}) points at {}, a record of {} without such "
                             "a key",
                             n, e.key_hash, e.phy_offset, cached_topic));
      }
    });
    TERN_RETURN_IF_ERROR(io);
  }
  return absl::OkStatus();
}

}  // namespace tern::inspect::internal
