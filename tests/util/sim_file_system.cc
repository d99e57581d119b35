#include "tests/util/sim_file_system.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_set>
#include <utility>

#include "engine/base/check.h"
#include "engine/base/status.h"
#include "tests/util/sim_file_system_internal.h"

namespace tern::testing {

using namespace sim_internal;  // NOLINT(google-build-using-namespace): private helpers

SimFileSystem::SimFileSystem(std::string root, engine::FileSystem* base)
    : root_(Normalize(root)),
      base_(base),
      page_size_(static_cast<size_t>(::sysconf(_SC_PAGESIZE))) {
  TERN_CHECK_MSG(base_->IsDirectory(root_),
                 "SimFileSystem: the root must be an existing directory");
  MutexLock lock(&mu_);
  root_id_ = SnapshotLocked(root_);
}

SimFileSystem::~SimFileSystem() {
  MutexLock lock(&mu_);
  for (auto& [id, node] : nodes_) {
    if (node->fd >= 0) ::close(node->fd);
  }
}

// ------------------------------------------------------- paths and the model

absl::StatusOr<std::vector<std::string>> SimFileSystem::Split(const std::string& path) const {
  const std::string p = Normalize(path);
  std::string_view rest;
  if (p == root_) {
    rest = "";
  } else if (root_ == "/" && p.starts_with("/")) {
    rest = std::string_view(p).substr(1);
  } else if (p.starts_with(root_) && p.size() > root_.size() && p[root_.size()] == '/') {
    rest = std::string_view(p).substr(root_.size() + 1);
  } else {
    return absl::InvalidArgumentError(
        fmt::format("{} is outside the simulated root {}", path, root_));
  }
  std::vector<std::string> comps;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    comps.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return comps;
}

std::string SimFileSystem::FullPath(const std::vector<std::string>& comps, size_t n) const {
  std::string p = root_;
  for (size_t i = 0; i < n; ++i) p = engine::JoinPath(p, comps[i]);
  return p;
}

SimFileSystem::Node& SimFileSystem::NewNodeLocked(bool dir) {
  auto node = std::make_unique<Node>();
  node->id = next_id_++;
  node->dir = dir;
  Node& ref = *node;
  nodes_.emplace(ref.id, std::move(node));
  return ref;
}

SimFileSystem::Node* SimFileSystem::FindNodeLocked(uint64_t id) {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second.get();
}

uint64_t SimFileSystem::SnapshotLocked(const std::string& path) {
  if (!base_->IsDirectory(path)) {
    Node& file = NewNodeLocked(/*dir=*/false);
    absl::StatusOr<std::string> bytes = base_->ReadFile(path);
    TERN_CHECK_MSG(bytes.ok(), "SimFileSystem: cannot read a live file");
    file.durable = *bytes;
    file.live = *std::move(bytes);
    return file.id;
  }
  Node& dir = NewNodeLocked(/*dir=*/true);  // heap-allocated: stays valid
  absl::StatusOr<std::vector<std::string>> names = base_->ListDir(path);
  TERN_CHECK_MSG(names.ok(), "SimFileSystem: cannot list a live directory");
  for (const std::string& name : *names) {
    const uint64_t child = SnapshotLocked(engine::JoinPath(path, name));
    dir.live_entries[name] = child;
    dir.durable_entries[name] = child;
  }
  return dir.id;
}

SimFileSystem::Node* SimFileSystem::LookupLocked(const std::vector<std::string>& comps, size_t n) {
  Node* node = FindNodeLocked(root_id_);
  for (size_t i = 0; i < n; ++i) {
    if (node == nullptr || !node->dir) return nullptr;
    auto it = node->live_entries.find(comps[i]);
    if (it != node->live_entries.end()) {
      node = FindNodeLocked(it->second);
      continue;
    }
    // Not made through us: adopt it as durable if the live tree has it.
    const std::string path = FullPath(comps, i + 1);
    if (!base_->Exists(path)) return nullptr;
    const uint64_t child = SnapshotLocked(path);
    node->live_entries[comps[i]] = child;
    node->durable_entries[comps[i]] = child;
    node = FindNodeLocked(child);
  }
  return node;
}

absl::Status SimFileSystem::BeginMutationLocked() {
  ++stats_.mutating_calls;
  if (cut_) return PowerLoss();
  if (ops_until_cut_ == 0) {
    ops_until_cut_ = -1;
    PowerCutLocked();
    return PowerLoss();
  }
  if (ops_until_cut_ > 0) --ops_until_cut_;
  return absl::OkStatus();
}

bool SimFileSystem::NextSyncFailsLocked() const {
  return syncs_failing_ || syncs_until_fault_ == 0;
}

absl::Status SimFileSystem::MaybeFailSyncLocked(std::string_view op, const std::string& path,
                                                bool* lose_data) {
  *lose_data = false;
  if (!NextSyncFailsLocked()) {
    if (syncs_until_fault_ > 0) --syncs_until_fault_;
    return absl::OkStatus();
  }
  ++stats_.injected_failures;
  if (!syncs_failing_) {  // the chosen sync
    syncs_until_fault_ = -1;
    syncs_failing_ = sync_fault_mode_ == SyncFaultMode::kSticky;
    *lose_data = sync_fault_mode_ == SyncFaultMode::kOnceLosingData;
  }
  return ErrnoStatus(op, path, sync_fault_errno_);
}

bool SimFileSystem::AllocationFailsLocked(const std::string& path) {
  return disk_full_.load() || (allocate_fault_ && allocate_fault_(path));
}

void SimFileSystem::LinkLocked(Node& dir, const std::string& name, uint64_t id) {
  dir.live_entries[name] = id;
  dir.pending.push_back(DirOp{DirOp::kLink, name, "", id});
}

void SimFileSystem::UnlinkLocked(Node& dir, const std::string& name) {
  dir.live_entries.erase(name);
  dir.pending.push_back(DirOp{DirOp::kUnlink, name, "", 0});
}

absl::Status SimFileSystem::SyncDirLocked(const std::vector<std::string>& comps, size_t n) {
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  const std::string path = FullPath(comps, n);
  Node* dir = LookupLocked(comps, n);
  if (dir == nullptr || !dir->dir) {
    // The real error (ENOENT, ENOTDIR) if there is one.
    TERN_RETURN_IF_ERROR(base_->SyncDir(path));
    return absl::InternalError(fmt::format("SimFileSystem: {} is missing from the model", path));
  }
  bool lose = false;
  if (absl::Status s = MaybeFailSyncLocked("fsync dir", path, &lose); !s.ok()) {
    if (lose) {  // the queued entries are dropped: never durable
      dir->pending.clear();
      CollectGarbageLocked();
    }
    return s;
  }
  TERN_RETURN_IF_ERROR(base_->SyncDir(path));
  for (const DirOp& op : dir->pending) ApplyDirOp(dir->durable_entries, op);
  dir->pending.clear();
  ++stats_.dir_syncs;
  CollectGarbageLocked();
  return absl::OkStatus();
}

void SimFileSystem::RegisterRegionLocked(const engine::MappedRegion& region, Node& node) {
  if (node.fd < 0) node.fd = ::fcntl(region.fd(), F_DUPFD_CLOEXEC, 0);
  TERN_CHECK_MSG(node.fd >= 0, "SimFileSystem: cannot dup a descriptor");
  regions_[&region] = RegionInfo{node.id, region.data(), region.size()};
}

SimFileSystem::Node* SimFileSystem::NodeOfRegionLocked(const engine::MappedRegion& region) {
  auto it = regions_.find(&region);
  if (it == regions_.end() || it->second.data != region.data() ||
      it->second.size != region.size()) {
    return nullptr;
  }
  return FindNodeLocked(it->second.node);
}

void SimFileSystem::CommitRangeLocked(Node& node, const uint8_t* live, size_t file_size,
                                      size_t begin, size_t end, size_t zero_from) {
  if (node.durable.size() < file_size) node.durable.resize(file_size, '\0');
  std::string seg;
  for (size_t p = begin; p < end;) {
    const size_t page = p / page_size_;
    const size_t page_begin = page * page_size_;
    const size_t seg_end = std::min(page_begin + page_size_, end);
    seg.assign(reinterpret_cast<const char*>(live) + p, seg_end - p);
    if (zero_from < seg_end) {
      const size_t z = std::max(zero_from, p) - p;
      std::fill(seg.begin() + static_cast<ptrdiff_t>(z), seg.end(), '\0');
    }
    bool skip = false;
    if (auto lost = node.lost_pages.find(page); lost != node.lost_pages.end()) {
      // Unchanged since the failed sync: the kernel thinks the page is clean.
      skip = lost->second.compare(p - page_begin, seg.size(), seg) == 0;
      if (!skip) node.lost_pages.erase(lost);
    }
    if (!skip) std::memcpy(node.durable.data() + p, seg.data(), seg.size());
    p = seg_end;
  }
}

void SimFileSystem::MarkPagesLostLocked(Node& node, const uint8_t* live, size_t file_size,
                                        size_t begin, size_t end) {
  for (size_t page = begin / page_size_; page * page_size_ < end; ++page) {
    const size_t from = page * page_size_;
    const size_t to = std::min(from + page_size_, file_size);
    node.lost_pages[page].assign(reinterpret_cast<const char*>(live) + from, to - from);
  }
}

void SimFileSystem::CollectGarbageLocked() {
  std::unordered_set<uint64_t> marked;
  std::vector<uint64_t> work = {root_id_};
  while (!work.empty()) {
    const uint64_t id = work.back();
    work.pop_back();
    if (!marked.insert(id).second) continue;
    const Node* n = FindNodeLocked(id);
    if (n == nullptr || !n->dir) continue;
    for (const auto& [name, child] : n->live_entries) work.push_back(child);
    for (const auto& [name, child] : n->durable_entries) work.push_back(child);
    for (const DirOp& op : n->pending) {
      if (op.kind != DirOp::kUnlink) work.push_back(op.id);
    }
  }
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (marked.contains(it->first)) {
      ++it;
      continue;
    }
    if (it->second->fd >= 0) ::close(it->second->fd);
    it = nodes_.erase(it);
  }
  absl::erase_if(regions_, [&](const auto& r) { return !marked.contains(r.second.node); });
}

// ------------------------------------------------------------ mutating calls

absl::StatusOr<std::unique_ptr<engine::MappedRegion>> SimFileSystem::CreateAndMap(
    const std::string& path, size_t size) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  if (comps.empty()) return absl::InvalidArgumentError("CreateAndMap of root");
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  if (AllocationFailsLocked(path)) {
    return ErrnoStatus("fallocate", path, ENOSPC);
  }
  // Resolve the parent before the real call: adopting an unknown parent after
  // it would snapshot the new file as durable.
  Node* parent = LookupLocked(comps, comps.size() - 1);
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<engine::MappedRegion> region,
                        base_->CreateAndMap(path, size));
  TERN_CHECK(parent != nullptr && parent->dir);
  Node& file = NewNodeLocked(/*dir=*/false);
  file.durable.assign(size, '\0');  // the allocation is durable with the name
  LinkLocked(*parent, comps.back(), file.id);
  RegisterRegionLocked(*region, file);
  return region;
}

absl::StatusOr<std::unique_ptr<engine::MappedRegion>> SimFileSystem::MapExisting(
    const std::string& path, size_t expected_size, engine::Access access) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<engine::MappedRegion> region,
                        base_->MapExisting(path, expected_size, access));
  Node* file = LookupLocked(comps, comps.size());  // adopts an unknown file
  TERN_CHECK(file != nullptr && !file->dir);
  RegisterRegionLocked(*region, *file);
  return region;
}

absl::Status SimFileSystem::SyncRegion(engine::MappedRegion& region, size_t offset, size_t len) {
  MutexLock lock(&mu_);
  ++stats_.sync_region_calls;
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  if (len == 0) return absl::OkStatus();
  TERN_CHECK(offset + len <= region.size());
  const size_t begin = offset / page_size_ * page_size_;  // as msync does
  const size_t end = offset + len;
  Node* node = NodeOfRegionLocked(region);
  bool lose = false;
  if (absl::Status s = MaybeFailSyncLocked("msync", region.path(), &lose); !s.ok()) {
    if (lose && node != nullptr) {
      MarkPagesLostLocked(*node, region.data(), region.size(), begin, end);
    }
    return s;
  }
  TERN_RETURN_IF_ERROR(base_->SyncRegion(region, offset, len));
  // A region of a file named nowhere any more syncs for real, models nothing.
  if (node != nullptr) {
    CommitRangeLocked(*node, region.data(), region.size(), begin, end,
                      /*zero_from=*/end);
  }
  stats_.bytes_synced += end - begin;
  return absl::OkStatus();
}

absl::Status SimFileSystem::ZeroRange(engine::MappedRegion& region, size_t offset, size_t len) {
  MutexLock lock(&mu_);
  ++stats_.zero_range_calls;
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  if (len == 0) return absl::OkStatus();
  TERN_CHECK(offset + len <= region.size());
  const size_t begin = offset / page_size_ * page_size_;
  const size_t end = offset + len;
  Node* node = NodeOfRegionLocked(region);
  bool lose = false;
  if (absl::Status s = MaybeFailSyncLocked("fdatasync", region.path(), &lose); !s.ok()) {
    // The zeroing happened, its sync did not.
    std::memset(region.data() + offset, 0, len);
    if (lose && node != nullptr) {
      MarkPagesLostLocked(*node, region.data(), region.size(), begin, end);
    }
    return s;
  }
  TERN_RETURN_IF_ERROR(base_->ZeroRange(region, offset, len));
  if (node != nullptr) {
    CommitRangeLocked(*node, region.data(), region.size(), begin, end,
                      /*zero_from=*/offset);
  }
  return absl::OkStatus();
}

absl::Status SimFileSystem::WriteFile(const std::string& path, std::string_view data,
                                      engine::SyncMode sync) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  if (comps.empty()) return absl::InvalidArgumentError("WriteFile of root");
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  // Resolved before the real write (see CreateAndMap).
  Node* parent = LookupLocked(comps, comps.size() - 1);
  Node* file = LookupLocked(comps, comps.size());
  const bool full = !data.empty() && AllocationFailsLocked(path);
  const std::string_view written = full ? std::string_view() : data;
  // The real fdatasync only when it is to succeed: an injected failure leaves
  // the live file written but not synced, as a failing fdatasync does.
  const bool real_sync = !full && sync == engine::SyncMode::kSync && !NextSyncFailsLocked();
  TERN_RETURN_IF_ERROR(base_->WriteFile(
      path, written, real_sync ? engine::SyncMode::kSync : engine::SyncMode::kNoSync));
  TERN_CHECK(parent != nullptr && parent->dir);
  if (file == nullptr) {
    // A new inode: its name is queued, its durable content empty.
    file = &NewNodeLocked(/*dir=*/false);
    LinkLocked(*parent, comps.back(), file->id);
  }
  file->live.assign(written);
  if (full) return ErrnoStatus("write", path, ENOSPC);
  if (sync == engine::SyncMode::kNoSync) return absl::OkStatus();
  bool lose = false;  // a whole-file rewrite: no page stays lost after it
  TERN_RETURN_IF_ERROR(MaybeFailSyncLocked("fdatasync", path, &lose));
  file->durable.assign(data);
  file->lost_pages.clear();
  ++stats_.file_syncs;
  return absl::OkStatus();
}

absl::Status SimFileSystem::Rename(const std::string& from, const std::string& to) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> src, Split(from));
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> dst, Split(to));
  if (src.empty() || dst.empty()) {
    return absl::InvalidArgumentError("Rename of root");
  }
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  Node* src_parent = LookupLocked(src, src.size() - 1);
  Node* dst_parent = LookupLocked(dst, dst.size() - 1);
  Node* node = LookupLocked(src, src.size());
  if (node != nullptr && node->dir && src_parent != dst_parent) {
    return absl::UnimplementedError("SimFileSystem: moving a directory to another parent");
  }
  TERN_RETURN_IF_ERROR(base_->Rename(from, to));
  TERN_CHECK(src_parent != nullptr && dst_parent != nullptr && node != nullptr);
  if (src_parent != dst_parent) {
    UnlinkLocked(*src_parent, src.back());
    LinkLocked(*dst_parent, dst.back(), node->id);
  } else if (src.back() != dst.back()) {
    src_parent->live_entries.erase(src.back());
    src_parent->live_entries[dst.back()] = node->id;
    src_parent->pending.push_back(DirOp{DirOp::kRename, src.back(), dst.back(), node->id});
  }
  return absl::OkStatus();
}

absl::Status SimFileSystem::DeleteFile(const std::string& path) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  if (comps.empty()) return absl::InvalidArgumentError("DeleteFile of root");
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  Node* parent = LookupLocked(comps, comps.size() - 1);
  LookupLocked(comps, comps.size());  // adopts it if the model lacks it
  TERN_RETURN_IF_ERROR(base_->DeleteFile(path));
  TERN_CHECK(parent != nullptr && parent->dir);
  UnlinkLocked(*parent, comps.back());
  return absl::OkStatus();
}

absl::Status SimFileSystem::DeleteDir(const std::string& path) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  if (comps.empty()) return absl::InvalidArgumentError("DeleteDir of root");
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  Node* parent = LookupLocked(comps, comps.size() - 1);
  LookupLocked(comps, comps.size());
  TERN_RETURN_IF_ERROR(base_->DeleteDir(path));
  TERN_CHECK(parent != nullptr && parent->dir);
  UnlinkLocked(*parent, comps.back());
  return absl::OkStatus();
}

absl::Status SimFileSystem::CreateDirs(const std::string& path) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  bool first = true;
  for (size_t n = 1; n <= comps.size(); ++n) {
    const Node* existing = LookupLocked(comps, n);
    if (existing != nullptr && existing->dir) continue;
    if (existing != nullptr) {
      return absl::AlreadyExistsError(fmt::format("mkdir {}: not a directory", FullPath(comps, n)));
    }
    if (!first) TERN_RETURN_IF_ERROR(BeginMutationLocked());
    first = false;
    Node* parent = LookupLocked(comps, n - 1);
    // The parent exists: this makes one level (and syncs the parent for real).
    TERN_RETURN_IF_ERROR(base_->CreateDirs(FullPath(comps, n)));
    TERN_CHECK(parent != nullptr && parent->dir);
    LinkLocked(*parent, comps[n - 1], NewNodeLocked(/*dir=*/true).id);
    TERN_RETURN_IF_ERROR(SyncDirLocked(comps, n - 1));
  }
  return absl::OkStatus();
}

absl::Status SimFileSystem::SyncDir(const std::string& path) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  MutexLock lock(&mu_);
  return SyncDirLocked(comps, comps.size());
}

absl::StatusOr<std::unique_ptr<engine::FileLock>> SimFileSystem::LockFile(const std::string& path) {
  TERN_ASSIGN_OR_RETURN(const std::vector<std::string> comps, Split(path));
  if (comps.empty()) return absl::InvalidArgumentError("LockFile of root");
  MutexLock lock(&mu_);
  TERN_RETURN_IF_ERROR(BeginMutationLocked());
  Node* parent = LookupLocked(comps, comps.size() - 1);
  const bool existed = LookupLocked(comps, comps.size()) != nullptr;
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<engine::FileLock> file_lock, base_->LockFile(path));
  if (!existed) {
    // Created empty; its name becomes durable at SyncDir like any other.
    TERN_CHECK(parent != nullptr && parent->dir);
    LinkLocked(*parent, comps.back(), NewNodeLocked(/*dir=*/false).id);
  }
  return file_lock;
}

// ------------------------------------------------- queries (pass-through)

absl::StatusOr<std::string> SimFileSystem::ReadFile(const std::string& path) {
  TERN_RETURN_IF_ERROR(Split(path).status());
  return base_->ReadFile(path);
}

absl::StatusOr<std::vector<std::string>> SimFileSystem::ListDir(const std::string& path) {
  TERN_RETURN_IF_ERROR(Split(path).status());
  return base_->ListDir(path);
}

bool SimFileSystem::Exists(const std::string& path) {
  return Split(path).ok() && base_->Exists(path);
}

bool SimFileSystem::IsDirectory(const std::string& path) {
  return Split(path).ok() && base_->IsDirectory(path);
}

absl::StatusOr<uint64_t> SimFileSystem::FileSize(const std::string& path) {
  TERN_RETURN_IF_ERROR(Split(path).status());
  return base_->FileSize(path);
}

absl::StatusOr<int64_t> SimFileSystem::ModifiedTimeMillis(const std::string& path) {
  TERN_RETURN_IF_ERROR(Split(path).status());
  return base_->ModifiedTimeMillis(path);
}

absl::StatusOr<engine::DiskUsage> SimFileSystem::GetDiskUsage(const std::string& path) {
  TERN_RETURN_IF_ERROR(Split(path).status());
  TERN_ASSIGN_OR_RETURN(engine::DiskUsage usage, base_->GetDiskUsage(path));
  if (disk_full_.load()) usage.free_bytes = 0;
  return usage;
}

// ---------------------------------------------------------------- power loss

}  // namespace tern::testing
