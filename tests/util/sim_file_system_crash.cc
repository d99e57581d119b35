// SimFileSystem (sim_file_system.h): power cuts, crash images and sync faults.
#include <algorithm>

#include "engine/base/check.h"
#include "engine/base/status.h"
#include "tests/util/sim_file_system.h"
#include "tests/util/sim_file_system_internal.h"

namespace tern::testing {

using namespace sim_internal;  // NOLINT(google-build-using-namespace): private helpers

void SimFileSystem::PowerCut() {
  MutexLock lock(&mu_);
  PowerCutLocked();
}

void SimFileSystem::PowerCutLocked() {
  if (cut_) return;
  cut_ = true;
  for (auto& [id, node] : nodes_) {
    if (node->dir) continue;
    if (node->fd < 0) {
      node->at_cut = node->live;
      continue;
    }
    absl::StatusOr<std::string> bytes = ReadFd(node->fd);
    if (bytes.ok()) {
      node->at_cut = *std::move(bytes);
    } else if (cut_capture_status_.ok()) {
      cut_capture_status_ = bytes.status();
    }
  }
}

bool SimFileSystem::power_cut() const {
  MutexLock lock(&mu_);
  return cut_;
}

void SimFileSystem::PowerCutAfterOps(int64_t k) {
  MutexLock lock(&mu_);
  ops_until_cut_ = k < 0 ? -1 : k;
}

absl::Status SimFileSystem::MaterializeCrashImage(const std::string& target_dir,
                                                  const CrashImageOptions& opts) {
  if (Split(target_dir).ok()) {
    return absl::InvalidArgumentError(
        fmt::format("crash image {} must not lie under the simulated root", target_dir));
  }
  MutexLock lock(&mu_);
  if (!cut_) {
    return absl::FailedPreconditionError("MaterializeCrashImage before PowerCut()");
  }
  if (opts.keep_unsynced_page_probability > 0) {
    TERN_RETURN_IF_ERROR(cut_capture_status_);
  }
  if (base_->Exists(target_dir)) {
    TERN_ASSIGN_OR_RETURN(const std::vector<std::string> names, base_->ListDir(target_dir));
    if (!names.empty()) {
      return absl::FailedPreconditionError(fmt::format("crash image {} is not empty", target_dir));
    }
  } else {
    TERN_RETURN_IF_ERROR(base_->CreateDirs(target_dir));
  }
  Rng rng(opts.seed);
  return WriteImageDirLocked(*FindNodeLocked(root_id_), target_dir, opts, rng);
}

absl::Status SimFileSystem::WriteImageDirLocked(const Node& dir, const std::string& path,
                                                const CrashImageOptions& opts, Rng& rng) {
  std::map<std::string, uint64_t> entries = dir.durable_entries;
  if (!dir.pending.empty() && rng.Chance(opts.keep_unsynced_dir_ops_probability)) {
    const size_t n = 1 + rng.Below(dir.pending.size());
    for (size_t i = 0; i < n; ++i) ApplyDirOp(entries, dir.pending[i]);
  }
  for (const auto& [name, id] : entries) {
    const Node* child = FindNodeLocked(id);
    TERN_CHECK_MSG(child != nullptr, "SimFileSystem: a durable entry's inode");
    const std::string child_path = engine::JoinPath(path, name);
    if (child->dir) {
      TERN_RETURN_IF_ERROR(base_->CreateDirs(child_path));
      TERN_RETURN_IF_ERROR(WriteImageDirLocked(*child, child_path, opts, rng));
    } else {
      TERN_RETURN_IF_ERROR(base_->WriteFile(child_path, ImageBytesLocked(*child, opts, rng),
                                            engine::SyncMode::kNoSync));
    }
  }
  return absl::OkStatus();
}

std::string SimFileSystem::ImageBytesLocked(const Node& file, const CrashImageOptions& opts,
                                            Rng& rng) {
  const std::string& durable = file.durable;
  const double q = opts.keep_unsynced_page_probability;
  if (q <= 0 || !file.at_cut.has_value() || *file.at_cut == durable) {
    return durable;
  }
  const std::string& live = *file.at_cut;
  size_t size = durable.size();
  if (live.size() != durable.size() && rng.Chance(q)) size = live.size();
  std::string out = durable;
  out.resize(size, '\0');
  std::vector<bool> keep;
  for (size_t page = 0; page < size; page += kImagePage) {
    const size_t page_end = std::min(page + kImagePage, size);
    bool dirty = false;
    for (size_t i = page; i < page_end && !dirty; ++i) {
      dirty = ByteAt(live, i) != ByteAt(durable, i);
    }
    if (!dirty || !rng.Chance(q)) continue;
    const size_t sectors = (page_end - page + kSector - 1) / kSector;
    keep.assign(sectors, true);
    if (opts.tear_pages && rng.Chance(0.5)) {  // a prefix of the sectors
      for (size_t s = rng.Below(sectors + 1); s < sectors; ++s) keep[s] = false;
    } else if (opts.tear_pages) {  // any subset of them
      for (size_t s = 0; s < sectors; ++s) keep[s] = rng.Chance(0.5);
    }
    for (size_t s = 0; s < sectors; ++s) {
      const size_t to = std::min(page + (s + 1) * kSector, page_end);
      for (size_t i = page + s * kSector; keep[s] && i < to; ++i) {
        out[i] = static_cast<char>(ByteAt(live, i));
      }
    }
  }
  return out;
}

// ------------------------------------------------- fault injection, stats

void SimFileSystem::FailSyncAfter(int n, int err, SyncFaultMode mode) {
  MutexLock lock(&mu_);
  syncs_until_fault_ = n < 0 ? -1 : n;
  sync_fault_errno_ = err;
  sync_fault_mode_ = mode;
  syncs_failing_ = false;
}

void SimFileSystem::SetDiskFull(bool full) { disk_full_.store(full); }

void SimFileSystem::FailAllocateWhen(std::function<bool(const std::string& path)> pred) {
  MutexLock lock(&mu_);
  allocate_fault_ = std::move(pred);
}

void SimFileSystem::ClearFaults() {
  MutexLock lock(&mu_);
  syncs_until_fault_ = -1;
  syncs_failing_ = false;
  disk_full_.store(false);
  allocate_fault_ = nullptr;
}

SimFileSystemStats SimFileSystem::stats() const {
  MutexLock lock(&mu_);
  return stats_;
}

}  // namespace tern::testing
