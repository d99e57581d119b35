#include "engine/consume_queue.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/base/check.h"

namespace tern::engine {

namespace {
constexpr int64_t kUnit = static_cast<int64_t>(kCqUnitSize);
}

ConsumeQueue::ConsumeQueue(FileSystem* fs, const std::string& root, std::string topic,
                           int32_t queue_id, size_t units_per_file)
    : topic_(std::move(topic)),
      queue_id_(queue_id),
      units_per_file_(units_per_file),
      files_(fs, JoinPath(JoinPath(root, topic_), std::to_string(queue_id)),
             units_per_file * kCqUnitSize) {
  TERN_CHECK(IsValidTopicName(topic_));
}

absl::Status ConsumeQueue::Load(Access access) { return files_.Load(access); }

int64_t ConsumeQueue::ScanFirstRealUnit() const {
  std::shared_ptr<MappedFile> first = files_.FirstFile();
  if (!first) return 0;
  const int64_t base = first->from_offset() / kUnit;
  const size_t units = first->write_position() / kCqUnitSize;
  for (size_t i = 0; i < units; ++i) {
    if (!DecodeCqUnit(first->data() + i * kCqUnitSize).is_filler()) {
      return base + static_cast<int64_t>(i);
    }
  }
  return base + static_cast<int64_t>(units);
}

void ConsumeQueue::RefreshTailState() {
  std::shared_ptr<MappedFile> last = files_.LastFile();
  int64_t max = 0;
  int64_t phys_end = 0;
  if (last) {
    max = (last->from_offset() + static_cast<int64_t>(last->write_position())) / kUnit;
    // Last real unit (fillers carry no physical offset). Walk back through the files.
    for (int64_t k = max - 1; k >= 0; --k) {
      std::shared_ptr<MappedFile> f = files_.FindFile(k * kUnit);
      if (!f) break;
      const CqUnit u = DecodeCqUnit(f->data() + (k * kUnit - f->from_offset()));
      if (!u.is_filler()) {
        phys_end = u.physical_offset + u.size;
        break;
      }
    }
  }
  max_offset_.store(max, std::memory_order_release);
  max_physical_end_.store(phys_end, std::memory_order_release);
  min_offset_.store(std::min(ScanFirstRealUnit(), max), std::memory_order_release);
}

absl::Status ConsumeQueue::RecoverEnd() {
  std::vector<std::shared_ptr<MappedFile>> files = files_.Files();
  if (files.empty()) {
    RefreshTailState();
    return absl::OkStatus();
  }
  size_t index = files.size() >= 3 ? files.size() - 3 : 0;
  int64_t end = files[index]->from_offset();
  for (; index < files.size(); ++index) {
    const MappedFile& f = *files[index];
    size_t pos = 0;
    for (; pos + kCqUnitSize <= f.size(); pos += kCqUnitSize) {
      if (!DecodeCqUnit(f.data() + pos).is_valid()) break;
    }
    end = f.from_offset() + static_cast<int64_t>(pos);
    if (pos < f.size()) break;
  }
  tail_.reset();
  if (absl::Status s = files_.TruncateTo(end); !s.ok()) return s;
  RefreshTailState();
  return absl::OkStatus();
}

absl::Status ConsumeQueue::TruncateFromPhysical(int64_t physical_offset) {
  int64_t k = max_offset();
  while (k > 0) {
    std::shared_ptr<MappedFile> f = files_.FindFile((k - 1) * kUnit);
    if (!f) break;
    const CqUnit unit = DecodeCqUnit(f->data() + ((k - 1) * kUnit - f->from_offset()));
    if (unit.is_filler() || unit.physical_offset < physical_offset) break;
    --k;
  }
  if (k == max_offset()) return absl::OkStatus();
  tail_.reset();
  if (absl::Status s = files_.TruncateTo(k * kUnit); !s.ok()) return s;
  RefreshTailState();
  return absl::OkStatus();
}

absl::Status ConsumeQueue::WriteUnitAt(int64_t queue_offset, const CqUnit& unit) {
  const int64_t pos = queue_offset * kUnit;
  if (!tail_) tail_ = files_.LastFile();
  if (!tail_ || tail_->full()) {
    const int64_t from =
        tail_ ? tail_->end_offset() : pos - pos % static_cast<int64_t>(files_.file_size());
    absl::StatusOr<std::shared_ptr<MappedFile>> created = files_.AppendFile(from);
    if (!created.ok()) return created.status();
    tail_ = *std::move(created);
  }
  MappedFile* file = tail_.get();
  const auto in_file = static_cast<size_t>(pos - file->from_offset());
  TERN_CHECK_MSG(in_file == file->write_position(), "consume queue units are written in order");
  EncodeCqUnit(unit, file->data() + in_file);
  file->set_write_position(in_file + kCqUnitSize);
  return absl::OkStatus();
}

absl::Status ConsumeQueue::Put(int64_t physical_offset, int32_t size, int64_t tags_code,
                               int64_t queue_offset) {
  if (physical_offset + size <= max_physical_end()) return absl::OkStatus();  // re-dispatch
  int64_t end = max_offset();
  if (queue_offset < end) return absl::OkStatus();  // already has a unit at that offset
  if (!tail_) tail_ = files_.LastFile();
  const bool fresh = !tail_;
  if (fresh) {
    // First file of a queue that starts at a non-zero offset: fillers from the file start.
    const int64_t per_file = static_cast<int64_t>(units_per_file_);
    end = queue_offset - queue_offset % per_file;
  }
  for (; end < queue_offset; ++end) {
    if (absl::Status s = WriteUnitAt(end, CqUnit::Filler()); !s.ok()) return s;
  }
  if (absl::Status s = WriteUnitAt(queue_offset, {physical_offset, size, tags_code}); !s.ok()) {
    return s;
  }
  max_physical_end_.store(physical_offset + size, std::memory_order_release);
  if (fresh || min_offset() == max_offset()) {
    // The queue had no real unit yet: this is its first readable message.
    min_offset_.store(queue_offset, std::memory_order_release);
  }
  max_offset_.store(queue_offset + 1, std::memory_order_release);
  return absl::OkStatus();
}

std::optional<CqUnit> ConsumeQueue::Get(int64_t queue_offset) const {
  if (queue_offset < min_offset() || queue_offset >= max_offset()) return std::nullopt;
  std::shared_ptr<MappedFile> f = files_.FindFile(queue_offset * kUnit);
  if (!f) return std::nullopt;
  return DecodeCqUnit(f->data() + (queue_offset * kUnit - f->from_offset()));
}

std::optional<CqUnits> ConsumeQueue::GetUnits(int64_t queue_offset, int max_count) const {
  const int64_t max = max_offset();
  if (queue_offset < min_offset() || queue_offset >= max || max_count <= 0) return std::nullopt;
  std::shared_ptr<MappedFile> f = files_.FindFile(queue_offset * kUnit);
  if (!f) return std::nullopt;
  const int64_t file_end = f->end_offset() / kUnit;
  CqUnits units;
  units.first_offset = queue_offset;
  units.count =
      static_cast<int>(std::min<int64_t>({max_count, max - queue_offset, file_end - queue_offset}));
  units.data = f->data() + (queue_offset * kUnit - f->from_offset());
  units.pin = std::move(f);
  return units;
}

int64_t ConsumeQueue::RollNextFile(int64_t queue_offset) const {
  const auto per_file = static_cast<int64_t>(units_per_file_);
  return queue_offset + per_file - queue_offset % per_file;
}

absl::Status ConsumeQueue::Flush() {
  for (const std::shared_ptr<MappedFile>& f : files_.Files()) {
    if (f->flushed_position() < f->write_position()) {
      if (absl::Status s = f->Flush(); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ConsumeQueue::DeleteFilesBefore(int64_t commit_log_min_offset) {
  absl::StatusOr<int> deleted = files_.DeleteHeadFiles(
      [commit_log_min_offset](const MappedFile& f) {
        if (f.write_position() < kCqUnitSize) return false;
        const CqUnit last = DecodeCqUnit(f.data() + f.write_position() - kCqUnitSize);
        return !last.is_filler() && last.physical_offset < commit_log_min_offset;
      },
      /*max_files=*/1 << 30);
  if (!deleted.ok()) return deleted;
  CorrectMinOffset(commit_log_min_offset);
  return deleted;
}

void ConsumeQueue::CorrectMinOffset(int64_t commit_log_min_offset) {
  int64_t k = std::max(min_offset(), files_.min_offset() / kUnit);
  const int64_t max = max_offset();
  while (k < max) {
    std::shared_ptr<MappedFile> f = files_.FindFile(k * kUnit);
    if (!f) break;
    const CqUnit u = DecodeCqUnit(f->data() + (k * kUnit - f->from_offset()));
    if (!u.is_filler() && u.physical_offset >= commit_log_min_offset) break;
    ++k;
  }
  min_offset_.store(k, std::memory_order_release);
}

absl::Status ConsumeQueue::Destroy() {
  tail_.reset();
  absl::Status s = files_.DeleteAll();
  max_offset_.store(0, std::memory_order_release);
  min_offset_.store(0, std::memory_order_release);
  max_physical_end_.store(0, std::memory_order_release);
  return s;
}

}  // namespace tern::engine
