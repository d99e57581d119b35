// forwarding_file_system.h: a FileSystem that forwards to another one, with a hook around
// SyncRegion so tests can delay or fail syncs. Thread-safe if the hook is.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/file_system.h"

namespace tern::testing {

class ForwardingFileSystem : public engine::FileSystem {
 public:
  explicit ForwardingFileSystem(engine::FileSystem* base) : base_(base) {}

  // Called before each SyncRegion; a non-OK status is returned instead of syncing.
  std::function<absl::Status()> before_sync;
  // Overrides GetDiskUsage when set.
  std::function<absl::StatusOr<engine::DiskUsage>()> disk_usage;

  absl::StatusOr<std::unique_ptr<engine::MappedRegion>> CreateAndMap(const std::string& p,
                                                                     size_t n) override {
    return base_->CreateAndMap(p, n);
  }
  absl::StatusOr<std::unique_ptr<engine::MappedRegion>> MapExisting(const std::string& p, size_t n,
                                                                    engine::Access a) override {
    return base_->MapExisting(p, n, a);
  }
  absl::Status SyncRegion(engine::MappedRegion& r, size_t o, size_t n) override {
    if (before_sync) {
      if (absl::Status s = before_sync(); !s.ok()) return s;
    }
    return base_->SyncRegion(r, o, n);
  }
  absl::Status ZeroRange(engine::MappedRegion& r, size_t o, size_t n) override {
    return base_->ZeroRange(r, o, n);
  }
  absl::StatusOr<std::string> ReadFile(const std::string& p) override { return base_->ReadFile(p); }
  absl::Status WriteFile(const std::string& p, std::string_view d, engine::SyncMode s) override {
    return base_->WriteFile(p, d, s);
  }
  absl::Status Rename(const std::string& a, const std::string& b) override {
    return base_->Rename(a, b);
  }
  absl::Status DeleteFile(const std::string& p) override { return base_->DeleteFile(p); }
  absl::Status DeleteDir(const std::string& p) override { return base_->DeleteDir(p); }
  absl::Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  absl::Status SyncDir(const std::string& p) override { return base_->SyncDir(p); }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& p) override {
    return base_->ListDir(p);
  }
  bool Exists(const std::string& p) override { return base_->Exists(p); }
  bool IsDirectory(const std::string& p) override { return base_->IsDirectory(p); }
  absl::StatusOr<uint64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }
  absl::StatusOr<int64_t> ModifiedTimeMillis(const std::string& p) override {
    return base_->ModifiedTimeMillis(p);
  }
  absl::StatusOr<engine::DiskUsage> GetDiskUsage(const std::string& p) override {
    if (disk_usage) return disk_usage();
    return base_->GetDiskUsage(p);
  }
  absl::StatusOr<std::unique_ptr<engine::FileLock>> LockFile(const std::string& p) override {
    return base_->LockFile(p);
  }

 private:
  engine::FileSystem* const base_;
};

}  // namespace tern::testing
