#include "engine/mapped_file_queue.h"

#include <fmt/format.h>

#include "engine/base/check.h"

namespace tern::engine {

MappedFileQueue::MappedFileQueue(FileSystem* fs, std::string dir, size_t file_size)
    : fs_(fs), dir_(std::move(dir)), file_size_(file_size) {
  TERN_CHECK(file_size_ > 0);
  factory_ = [fs](const std::string& dir, int64_t from, size_t size) {
    return MappedFile::Create(fs, dir, from, size);
  };
}

absl::Status MappedFileQueue::Load(Access access) {
  std::vector<std::shared_ptr<MappedFile>> loaded;
  if (fs_->IsDirectory(dir_)) {
    absl::StatusOr<std::vector<std::string>> names = fs_->ListDir(dir_);
    if (!names.ok()) return names.status();
    for (const std::string& name : *names) {
      int64_t from = 0;
      if (!ParseOffsetFileName(name, &from)) {
        // A file whose creation a crash interrupted: never renamed into place, never used.
        if (access == Access::kReadWrite && name.size() == 24 && name.ends_with(".tmp")) {
          (void)fs_->DeleteFile(JoinPath(dir_, name));
        }
        continue;  // other names (backups, notes) are not segments
      }
      const std::string path = JoinPath(dir_, name);
      if (from % static_cast<int64_t>(file_size_) != 0) {
        return absl::DataLossError(fmt::format(
            "{}: start offset is not a multiple of the file size {}", path, file_size_));
      }
      if (!loaded.empty() && loaded.back()->end_offset() != from) {
        return absl::DataLossError(fmt::format("{}: expected a file starting at {} (gap in {})",
                                               path, loaded.back()->end_offset(), dir_));
      }
      absl::StatusOr<std::shared_ptr<MappedFile>> file =
          MappedFile::Open(fs_, path, from, file_size_, access);
      if (!file.ok()) return file.status();
      loaded.push_back(*std::move(file));
    }
  }
  WriterLock lock(&mu_);
  files_ = std::move(loaded);
  return absl::OkStatus();
}

bool MappedFileQueue::empty() const {
  ReaderLock lock(&mu_);
  return files_.empty();
}

size_t MappedFileQueue::file_count() const {
  ReaderLock lock(&mu_);
  return files_.size();
}

std::shared_ptr<MappedFile> MappedFileQueue::FirstFile() const {
  ReaderLock lock(&mu_);
  return files_.empty() ? nullptr : files_.front();
}

std::shared_ptr<MappedFile> MappedFileQueue::LastFile() const {
  ReaderLock lock(&mu_);
  return files_.empty() ? nullptr : files_.back();
}

std::shared_ptr<MappedFile> MappedFileQueue::FindLocked(int64_t offset) const {
  if (files_.empty()) return nullptr;
  const int64_t first = files_.front()->from_offset();
  if (offset < first) return nullptr;
  const auto index = static_cast<size_t>((offset - first) / static_cast<int64_t>(file_size_));
  if (index >= files_.size()) return nullptr;
  return files_[index];
}

std::shared_ptr<MappedFile> MappedFileQueue::FindFile(int64_t offset) const {
  ReaderLock lock(&mu_);
  return FindLocked(offset);
}

std::shared_ptr<MappedFile> MappedFileQueue::NextFile(const MappedFile& file) const {
  ReaderLock lock(&mu_);
  return FindLocked(file.end_offset());
}

std::vector<std::shared_ptr<MappedFile>> MappedFileQueue::Files() const {
  ReaderLock lock(&mu_);
  return files_;
}

int64_t MappedFileQueue::min_offset() const {
  ReaderLock lock(&mu_);
  return files_.empty() ? 0 : files_.front()->from_offset();
}

int64_t MappedFileQueue::max_offset() const {
  ReaderLock lock(&mu_);
  if (files_.empty()) return 0;
  const auto& last = files_.back();
  return last->from_offset() + static_cast<int64_t>(last->write_position());
}

int64_t MappedFileQueue::flushed_offset() const {
  ReaderLock lock(&mu_);
  if (files_.empty()) return 0;
  for (const auto& f : files_) {
    if (f->flushed_position() < f->size()) {
      return f->from_offset() + static_cast<int64_t>(f->flushed_position());
    }
  }
  return files_.back()->end_offset();
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFileQueue::AppendFile(int64_t from_offset) {
  {
    ReaderLock lock(&mu_);
    if (!files_.empty()) {
      TERN_CHECK_MSG(from_offset == files_.back()->end_offset(), "files must be contiguous");
    }
  }
  TERN_CHECK(from_offset % static_cast<int64_t>(file_size_) == 0);
  if (absl::Status s = fs_->CreateDirs(dir_); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<MappedFile>> file = factory_(dir_, from_offset, file_size_);
  if (!file.ok()) return file.status();
  WriterLock lock(&mu_);
  files_.push_back(*file);
  return *std::move(file);
}

absl::Status MappedFileQueue::TruncateTo(int64_t offset) {
  std::vector<std::shared_ptr<MappedFile>> doomed;
  std::shared_ptr<MappedFile> cut;
  {
    WriterLock lock(&mu_);
    while (!files_.empty() && files_.back()->from_offset() >= offset) {
      doomed.push_back(files_.back());
      files_.pop_back();
    }
    if (!files_.empty() && files_.back()->end_offset() > offset) cut = files_.back();
  }
  for (const auto& f : doomed) {
    if (absl::Status s = fs_->DeleteFile(f->path()); !s.ok()) return s;
  }
  if (!doomed.empty()) {
    if (absl::Status s = fs_->SyncDir(dir_); !s.ok()) return s;
  }
  if (cut) {
    return cut->TruncateTo(static_cast<size_t>(offset - cut->from_offset()));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> MappedFileQueue::DeleteHeadFiles(
    const std::function<bool(const MappedFile&)>& should_delete, int max_files) {
  int deleted = 0;
  while (deleted < max_files) {
    std::shared_ptr<MappedFile> head;
    {
      ReaderLock lock(&mu_);
      if (files_.size() <= 1) break;
      head = files_.front();
    }
    if (!should_delete(*head)) break;
    {
      WriterLock lock(&mu_);
      if (files_.size() <= 1 || files_.front() != head) break;
      files_.erase(files_.begin());
    }
    // Readers that pinned the file keep its mapping until they let go.
    if (absl::Status s = fs_->DeleteFile(head->path()); !s.ok()) return s;
    ++deleted;
  }
  if (deleted > 0) {
    if (absl::Status s = fs_->SyncDir(dir_); !s.ok()) return s;
  }
  return deleted;
}

absl::Status MappedFileQueue::DeleteAll() {
  std::vector<std::shared_ptr<MappedFile>> doomed;
  {
    WriterLock lock(&mu_);
    doomed.swap(files_);
  }
  for (const auto& f : doomed) {
    if (absl::Status s = fs_->DeleteFile(f->path()); !s.ok()) return s;
  }
  if (fs_->IsDirectory(dir_)) {
    absl::StatusOr<std::vector<std::string>> rest = fs_->ListDir(dir_);
    if (rest.ok() && rest->empty()) return fs_->DeleteDir(dir_);
  }
  return absl::OkStatus();
}

}  // namespace tern::engine
