#include "engine/inspect/log_reader.h"

#include <algorithm>

#include "engine/base/status.h"
#include "engine/inspect/log_scanner.h"

namespace tern::inspect {
namespace {
constexpr size_t kMaxMapped = 4;
}

LogReader::LogReader(engine::FileSystem* fs, const std::vector<FileEntry>* files,
                     uint64_t file_size)
    : fs_(fs), files_(files), file_size_(file_size) {}

absl::StatusOr<RecordAt> LogReader::ReadAt(int64_t offset, engine::CrcCheck crc) {
  RecordAt out;
  const std::vector<FileEntry>& files = *files_;
  auto it = std::upper_bound(files.begin(), files.end(), offset,
                             [](int64_t o, const FileEntry& f) { return o < f.from_offset; });
  if (it == files.begin()) return out;
  --it;
  const auto index = static_cast<size_t>(it - files.begin());
  const int64_t pos = offset - it->from_offset;
  if (pos >= static_cast<int64_t>(std::min(it->size, file_size_)) || it->size == 0) return out;
  Slot* slot = nullptr;
  for (Slot& s : slots_) {
    if (s.index == index) slot = &s;
  }
  if (slot == nullptr) {
    TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> map, MapReadOnly(fs_, *it));
    if (slots_.size() < kMaxMapped) {
      slots_.push_back({});
      slot = &slots_.back();
    } else {
      slot = &*std::min_element(slots_.begin(), slots_.end(),
                                [](const Slot& a, const Slot& b) { return a.used < b.used; });
    }
    slot->index = index;
    slot->map = std::move(map);
  }
  slot->used = ++tick_;
  const size_t extent = std::min<size_t>(slot->map->size(), file_size_);
  if (static_cast<size_t>(pos) >= extent) return out;
  out.result = engine::DecodeRecord(
      ByteSpan(slot->map->data() + pos, extent - static_cast<size_t>(pos)), crc);
  if (out.result.status == engine::DecodeStatus::kRecord &&
      out.result.record.physical_offset != offset) {
    out.result.status = engine::DecodeStatus::kCorrupt;
  }
  out.pin = slot->map;
  return out;
}

}  // namespace tern::inspect
