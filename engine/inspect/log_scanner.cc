#include "engine/inspect/log_scanner.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/base/status.h"
#include "engine/inspect/segment_step.h"
#include "engine/recovery.h"

namespace tern::inspect {

std::string_view DamageKindName(DamageKind k) {
  switch (k) {
    case DamageKind::kCorrupt:
      return "corrupt";
    case DamageKind::kTornTail:
      return "torn_tail";
    case DamageKind::kMisplaced:
      return "misplaced";
  }
  return "unknown";
}

absl::StatusOr<std::shared_ptr<engine::MappedFile>> MapReadOnly(engine::FileSystem* fs,
                                                                const FileEntry& file) {
  if (file.size == 0) {
    return absl::DataLossError(fmt::format("{}: empty file", file.path));
  }
  return engine::MappedFile::Open(fs, file.path, file.from_offset, 0, engine::Access::kReadOnly);
}

LogScanner::LogScanner(engine::FileSystem* fs, std::vector<FileEntry> files, uint64_t file_size,
                       ScanOptions options)
    : fs_(fs), files_(std::move(files)), file_size_(file_size), options_(options) {
  later_.assign(files_.size(), Later{});
  if (files_.empty()) return;
  int64_t start = options_.start_offset;
  if (start < files_.front().from_offset) start = files_.front().from_offset;
  index_ = files_.size();
  for (size_t i = 0; i < files_.size(); ++i) {
    if (start < files_[i].from_offset + static_cast<int64_t>(file_size_)) {
      index_ = i;
      pos_ =
          start >= files_[i].from_offset ? static_cast<size_t>(start - files_[i].from_offset) : 0;
      break;
    }
  }
  valid_end_ =
      index_ < files_.size() ? files_[index_].from_offset + static_cast<int64_t>(pos_) : start;
}

void LogScanner::Refresh(std::vector<FileEntry> files) {
  // Keep walking the same file: find it again by its start offset (retention may have removed
  // files before it; new files are appended after it).
  const int64_t current = index_ < files_.size() ? files_[index_].from_offset : -1;
  files_ = std::move(files);
  later_.assign(files_.size(), Later{});
  if (current < 0) return;
  index_ = files_.size();
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].from_offset >= current) {
      index_ = i;
      break;
    }
  }
  if (index_ < files_.size() && files_[index_].from_offset != current) {
    pos_ = 0;
    map_.reset();
  }
}

size_t LogScanner::Extent() const {
  if (!map_) return 0;
  return std::min<size_t>(map_->size(), file_size_);
}

int64_t LogScanner::bytes_done() const {
  int64_t done = 0;
  for (size_t i = 0; i < index_ && i < files_.size(); ++i) {
    done += static_cast<int64_t>(std::min<uint64_t>(files_[i].size, file_size_));
  }
  return done + static_cast<int64_t>(pos_);
}

int64_t LogScanner::bytes_total() const {
  int64_t total = 0;
  for (const FileEntry& f : files_) total += static_cast<int64_t>(std::min(f.size, file_size_));
  return total;
}

absl::Status LogScanner::MapCurrent() {
  map_.reset();
  if (files_[index_].size == 0) return absl::OkStatus();  // nothing to walk
  TERN_ASSIGN_OR_RETURN(map_, MapReadOnly(fs_, files_[index_]));
  return absl::OkStatus();
}

absl::Status LogScanner::Survey(size_t j) {
  if (later_[j].surveyed) return absl::OkStatus();
  later_[j].surveyed = true;
  if (files_[j].size == 0) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(std::shared_ptr<engine::MappedFile> m, MapReadOnly(fs_, files_[j]));
  const ByteSpan bytes(m->data(), std::min<size_t>(m->size(), file_size_));
  // One pass over an all-zero file (a preallocated next file) answers both questions.
  const size_t nz = FirstNonZero(bytes, 0);
  if (nz == bytes.size()) return absl::OkStatus();
  later_[j].nonzero_end = EndOfNonZero(bytes, nz);
  later_[j].has_valid =
      engine::FindNextValidRecord(bytes, nz >= 4 ? nz - 4 : 0, files_[j].from_offset) >= 0;
  return absl::OkStatus();
}

absl::StatusOr<bool> LogScanner::ValidDataAfter(size_t index) {
  for (size_t j = index + 1; j < files_.size(); ++j) {
    TERN_RETURN_IF_ERROR(Survey(j));
    if (later_[j].has_valid) return true;
  }
  return false;
}

absl::Status LogScanner::QueueLaterGarbage(size_t index) {
  for (size_t j = index + 1; j < files_.size(); ++j) {
    TERN_RETURN_IF_ERROR(Survey(j));
    if (later_[j].nonzero_end == 0) continue;
    LogDamage d;
    d.kind = DamageKind::kTornTail;
    d.begin = files_[j].from_offset;
    d.end = d.begin + static_cast<int64_t>(later_[j].nonzero_end);
    d.file = files_[j].path;
    d.file_start = files_[j].from_offset;
    d.record_index = records_;
    d.reason = "non-zero bytes in a file after the end of the log";
    d.store_timestamp_before = last_store_timestamp_;
    pending_.push_back(std::move(d));
  }
  return absl::OkStatus();
}

absl::StatusOr<ScanItem> LogScanner::Next() {
  ScanItem item;
  if (!pending_.empty()) {
    item.status = ScanStatus::kDamage;
    item.damage = std::move(pending_.front());
    pending_.erase(pending_.begin());
    return item;
  }
  item.offset = valid_end_;
  if (ended_) return item;
  while (index_ < files_.size()) {
    const FileEntry& file = files_[index_];
    if (!map_ || map_->path() != file.path) TERN_RETURN_IF_ERROR(MapCurrent());
    const size_t extent = Extent();
    if (pos_ >= extent) {
      ++index_;
      pos_ = 0;
      map_.reset();
      continue;
    }
    const ByteSpan segment(map_->data(), extent);
    SegmentStep step = StepSegment(segment, pos_, file.from_offset, options_.crc);
    const int64_t at = file.from_offset + static_cast<int64_t>(pos_);
    item.file = &file;
    auto damage = [&](DamageKind kind, size_t end, std::string reason) {
      item.status = ScanStatus::kDamage;
      item.damage.kind = kind;
      item.damage.begin = file.from_offset + static_cast<int64_t>(pos_);
      item.damage.end = file.from_offset + static_cast<int64_t>(end);
      item.damage.file = file.path;
      item.damage.file_start = file.from_offset;
      item.damage.record_index = records_;
      item.damage.reason = std::move(reason);
      item.damage.reaches_file_end = end >= extent;
      item.damage.store_timestamp_before = last_store_timestamp_;
    };
    switch (step.kind) {
      case StepKind::kRecord:
        item.status = ScanStatus::kRecord;
        item.offset = at;
        item.record = step.decoded.record;
        item.record_index = records_++;
        last_store_timestamp_ = item.record.store_timestamp;
        pos_ = step.next;
        valid_end_ = file.from_offset + static_cast<int64_t>(pos_);
        return item;
      case StepKind::kBlank:
        item.status = ScanStatus::kBlank;
        item.offset = at;
        item.blank_size = static_cast<int64_t>(extent - pos_);
        pos_ = extent;
        valid_end_ = file.from_offset + static_cast<int64_t>(extent);
        return item;
      case StepKind::kDamage:
        damage(step.misplaced ? DamageKind::kMisplaced : DamageKind::kCorrupt, step.next,
               std::move(step.reason));
        pos_ = step.next;
        return item;
      case StepKind::kZeroTail:
      case StepKind::kGarbageTail: {
        TERN_ASSIGN_OR_RETURN(const bool later, ValidDataAfter(index_));
        if (later) {
          damage(DamageKind::kCorrupt, extent,
                 step.kind == StepKind::kZeroTail
                     ? std::string("zero bytes to the end of the file where a BLANK filler or "
                                   "records should be (valid records follow in the next file)")
                     : std::move(step.reason));
          pos_ = extent;
          return item;
        }
        if (options_.follow) {
          item = ScanItem();
          item.offset = valid_end_;
          return item;  // the end for now; the broker may append more
        }
        if (step.kind == StepKind::kGarbageTail) {
          pos_ = step.nonzero_begin;
          damage(DamageKind::kTornTail, step.nonzero_end,
                 step.nonzero_begin == step.pos ? std::move(step.reason)
                                                : std::string("non-zero bytes after the end of "
                                                              "valid data"));
          pending_.push_back(item.damage);
        }
        TERN_RETURN_IF_ERROR(QueueLaterGarbage(index_));
        ended_ = true;
        map_.reset();
        return Next();
      }
    }
  }
  item = ScanItem();
  item.offset = valid_end_;
  if (!options_.follow) ended_ = true;
  return item;
}

}  // namespace tern::inspect
