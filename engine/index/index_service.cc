#include "engine/index/index_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "engine/base/check.h"
#include "engine/base/clock.h"
#include "engine/base/status.h"
#include "engine/commit_log_format.h"
#include "engine/index/index_file_name.h"
#include "engine/properties.h"

namespace tern::engine {
namespace {

void BuildKey(std::string* out, std::string_view topic, std::string_view key) {
  out->assign(topic);
  out->push_back(kIndexKeySeparator);
  out->append(key);
}

absl::Status ReadOnlyError(const std::string& dir) {
  return absl::FailedPreconditionError(fmt::format("index {} is open read-only", dir));
}

}  // namespace

IndexService::IndexService(FileSystem* fs, std::string dir, IndexOptions options)
    : fs_(fs), dir_(std::move(dir)), options_(options) {}

absl::Status IndexService::Load(Access access) {
  std::vector<std::shared_ptr<IndexFile>> loaded;
  if (fs_->Exists(dir_)) {
    // ListDir sorts: names are creation times, so this is creation order.
    TERN_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(dir_));
    for (const std::string& name : names) {
      const std::string path = JoinPath(dir_, name);
      if (fs_->IsDirectory(path)) continue;
      if (!IsIndexFileName(name)) {
        // A file whose creation a crash interrupted was never renamed into place: remove it.
        if (access == Access::kReadWrite && name.ends_with(".tmp")) (void)fs_->DeleteFile(path);
        continue;
      }
      TERN_ASSIGN_OR_RETURN(
          std::shared_ptr<IndexFile> file,
          IndexFile::Open(fs_, path, options_.hash_slot_num, options_.index_num, access));
      loaded.push_back(std::move(file));
    }
  }
  WriterLock lock(&mu_);
  TERN_CHECK(files_.empty());
  files_ = std::move(loaded);
  access_ = access;
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<IndexFile>> IndexService::WritableFile() {
  std::shared_ptr<IndexFile> last;
  {
    ReaderLock lock(&mu_);
    if (access_ != Access::kReadWrite) return ReadOnlyError(dir_);
    if (!files_.empty()) last = files_.back();
  }
  if (last != nullptr && !last->full()) return last;

  if (last == nullptr) TERN_RETURN_IF_ERROR(fs_->CreateDirs(dir_));
  std::string name = NewIndexFileName(NowMillis(), last != nullptr ? last->name() : "");
  while (fs_->Exists(JoinPath(dir_, name))) {
    std::optional<std::string> next = NextIndexFileName(name);
    if (!next) {
      return absl::FailedPreconditionError(
          fmt::format("index {}: cannot name a new file after {}", dir_, name));
    }
    name = *std::move(next);
  }
  const IndexHeader prev = last != nullptr ? last->header() : IndexHeader{};
  TERN_ASSIGN_OR_RETURN(
      std::shared_ptr<IndexFile> file,
      IndexFile::Create(fs_, dir_, name, options_.hash_slot_num, options_.index_num,
                        prev.end_phy_offset, prev.end_timestamp));
  WriterLock lock(&mu_);
  files_.push_back(file);
  return file;
}

bool IndexService::AlreadyIndexed(int32_t key_hash, int64_t phy_offset) const {
  ReaderLock lock(&mu_);
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
    const IndexHeader h = (*it)->header();
    if (h.end_phy_offset < phy_offset) break;
    if ((*it)->Contains(key_hash, phy_offset)) return true;
    // A message's keys may straddle a roll: look further back only while this
    // file starts at the message.
    if (h.begin_phy_offset < phy_offset) break;
  }
  return false;
}

absl::Status IndexService::PutKey(std::shared_ptr<IndexFile>* file, const IndexRecord& record,
                                  bool check_duplicate) {
  const int32_t hash = IndexKeyHash(key_buf_);
  if (check_duplicate && AlreadyIndexed(hash, record.physical_offset)) return absl::OkStatus();
  if ((*file)->PutHash(hash, record.physical_offset, record.store_timestamp)) {
    return absl::OkStatus();
  }
  TERN_ASSIGN_OR_RETURN(*file, WritableFile());
  // A new file has room for at least one entry (index_num >= 2).
  TERN_CHECK((*file)->PutHash(hash, record.physical_offset, record.store_timestamp));
  return absl::OkStatus();
}

absl::Status IndexService::BuildIndex(const IndexRecord& record) {
  if (!options_.enable) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(std::shared_ptr<IndexFile> file, WritableFile());
  const int64_t end_phy = file->end_phy_offset();
  if (record.physical_offset < end_phy) return absl::OkStatus();
  if (format::TransactionType(record.sys_flag) == format::kTransactionRollbackType) {
    return absl::OkStatus();
  }
  const bool check_duplicate = record.physical_offset == end_phy;

  if (!record.uniq_key.empty()) {
    BuildKey(&key_buf_, record.topic, record.uniq_key);
    TERN_RETURN_IF_ERROR(PutKey(&file, record, check_duplicate));
  }
  absl::Status status;
  ForEachKey(record.keys, [&](std::string_view key) {
    if (!status.ok()) return;
    BuildKey(&key_buf_, record.topic, key);
    status = PutKey(&file, record, check_duplicate);
  });
  return status;
}

IndexQueryResult IndexService::Query(std::string_view topic, std::string_view key, int32_t max_num,
                                     int64_t begin, int64_t end) const {
  IndexQueryResult result;
  const std::vector<std::shared_ptr<IndexFile>> files = Snapshot();
  if (files.empty()) return result;
  const IndexHeader newest = files.back()->header();
  result.last_update_timestamp = newest.end_timestamp;
  result.last_update_phy_offset = newest.end_phy_offset;

  const int32_t limit = std::min(max_num, options_.max_query_results);
  if (limit <= 0) return result;
  const auto max_total = static_cast<size_t>(limit);
  std::string full_key;
  BuildKey(&full_key, topic, key);
  const int32_t hash = IndexKeyHash(full_key);
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    const IndexHeader h = (*it)->header();
    if (h.TimeOverlaps(begin, end)) {
      (*it)->SelectHash(hash, max_total, begin, end, &result.physical_offsets);
    }
    if (h.begin_timestamp < begin || result.physical_offsets.size() >= max_total) break;
  }
  return result;
}

absl::Status IndexService::TruncateFrom(int64_t phy_offset) {
  std::vector<std::shared_ptr<IndexFile>> to_truncate;
  bool deleted = false;
  {
    WriterLock lock(&mu_);
    if (access_ != Access::kReadWrite) return ReadOnlyError(dir_);
    while (!files_.empty()) {
      const IndexHeader h = files_.back()->header();
      if (h.end_phy_offset < phy_offset) break;
      if (h.begin_phy_offset >= phy_offset) {
        TERN_RETURN_IF_ERROR(fs_->DeleteFile(files_.back()->path()));
        files_.pop_back();
        deleted = true;
        continue;
      }
      // Entries are in CommitLog order across files: older files end at or
      // before this one's beginPhyOffset, which is below phy_offset, so this is
      // the only file to cut.
      to_truncate.push_back(files_.back());
      break;
    }
  }
  if (deleted) TERN_RETURN_IF_ERROR(fs_->SyncDir(dir_));
  for (const std::shared_ptr<IndexFile>& file : to_truncate) {
    TERN_RETURN_IF_ERROR(file->TruncateFrom(phy_offset));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> IndexService::DeleteFilesBefore(int64_t commitlog_min_offset) {
  int deleted = 0;
  {
    WriterLock lock(&mu_);
    if (access_ != Access::kReadWrite) return ReadOnlyError(dir_);
    while (files_.size() > 1 && files_.front()->end_phy_offset() < commitlog_min_offset) {
      TERN_RETURN_IF_ERROR(fs_->DeleteFile(files_.front()->path()));
      files_.erase(files_.begin());
      ++deleted;
    }
  }
  if (deleted > 0) TERN_RETURN_IF_ERROR(fs_->SyncDir(dir_));
  return deleted;
}

absl::StatusOr<int> IndexService::DeleteFilesEndingAfter(int64_t timestamp) {
  int deleted = 0;
  {
    WriterLock lock(&mu_);
    if (access_ != Access::kReadWrite) return ReadOnlyError(dir_);
    for (auto it = files_.begin(); it != files_.end();) {
      if ((*it)->end_timestamp() > timestamp) {
        TERN_RETURN_IF_ERROR(fs_->DeleteFile((*it)->path()));
        it = files_.erase(it);
        ++deleted;
      } else {
        ++it;
      }
    }
  }
  if (deleted > 0) TERN_RETURN_IF_ERROR(fs_->SyncDir(dir_));
  return deleted;
}

absl::Status IndexService::Flush() {
  for (const std::shared_ptr<IndexFile>& file : Snapshot()) {
    TERN_RETURN_IF_ERROR(file->Flush());
  }
  return absl::OkStatus();
}

int64_t IndexService::end_phy_offset() const {
  ReaderLock lock(&mu_);
  return files_.empty() ? 0 : files_.back()->end_phy_offset();
}

int64_t IndexService::last_full_file_end_timestamp() const {
  ReaderLock lock(&mu_);
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
    if ((*it)->full()) return (*it)->end_timestamp();
  }
  return 0;
}

std::vector<std::shared_ptr<IndexFile>> IndexService::Snapshot() const {
  ReaderLock lock(&mu_);
  return files_;
}

std::vector<std::shared_ptr<const IndexFile>> IndexService::Files() const {
  ReaderLock lock(&mu_);
  return {files_.begin(), files_.end()};
}

}  // namespace tern::engine
