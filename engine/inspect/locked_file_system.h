// locked_file_system.h: a FileSystem that forwards everything to another one, except that
// locking one path it already holds succeeds. `repair` holds the store's lock for its whole
// run and opens engine::MessageStore (which locks the store itself) through it, so no broker
// can slip in between. Thread-safe as the wrapped FileSystem; both it and the held lock must
// outlive this object.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/file_system.h"

namespace tern::inspect {

class LockedFileSystem : public engine::FileSystem {
 public:
  LockedFileSystem(engine::FileSystem* base, std::string held_lock_path)
      : base_(base), held_(std::move(held_lock_path)) {}

  absl::StatusOr<std::unique_ptr<engine::MappedRegion>> CreateAndMap(const std::string& path,
                                                                     size_t size) override {
    return base_->CreateAndMap(path, size);
  }
  absl::StatusOr<std::unique_ptr<engine::MappedRegion>> MapExisting(
      const std::string& path, size_t expected_size, engine::Access access) override {
    return base_->MapExisting(path, expected_size, access);
  }
  absl::Status SyncRegion(engine::MappedRegion& region, size_t offset, size_t len) override {
    return base_->SyncRegion(region, offset, len);
  }
  absl::Status ZeroRange(engine::MappedRegion& region, size_t offset, size_t len) override {
    return base_->ZeroRange(region, offset, len);
  }
  absl::StatusOr<std::string> ReadFile(const std::string& path) override {
    return base_->ReadFile(path);
  }
  absl::Status WriteFile(const std::string& path, std::string_view data,
                         engine::SyncMode sync) override {
    return base_->WriteFile(path, data, sync);
  }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  absl::Status DeleteFile(const std::string& path) override { return base_->DeleteFile(path); }
  absl::Status DeleteDir(const std::string& path) override { return base_->DeleteDir(path); }
  absl::Status CreateDirs(const std::string& path) override { return base_->CreateDirs(path); }
  absl::Status SyncDir(const std::string& path) override { return base_->SyncDir(path); }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override {
    return base_->ListDir(path);
  }
  bool Exists(const std::string& path) override { return base_->Exists(path); }
  bool IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    return base_->FileSize(path);
  }
  absl::StatusOr<int64_t> ModifiedTimeMillis(const std::string& path) override {
    return base_->ModifiedTimeMillis(path);
  }
  absl::StatusOr<engine::DiskUsage> GetDiskUsage(const std::string& path) override {
    return base_->GetDiskUsage(path);
  }
  absl::StatusOr<std::unique_ptr<engine::FileLock>> LockFile(const std::string& path) override {
    if (path == held_) return std::unique_ptr<engine::FileLock>(new engine::FileLock());
    return base_->LockFile(path);
  }

 private:
  engine::FileSystem* const base_;
  const std::string held_;
};

}  // namespace tern::inspect
