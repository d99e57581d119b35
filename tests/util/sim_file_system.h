// sim_file_system.h: a test-only engine::FileSystem that simulates power loss
// and I/O faults, for the storage engine's crash tests.
//
// SimFileSystem forwards every call to an underlying FileSystem (normally
// engine::DefaultFileSystem()) on a real "live" directory tree, so mappings
// are real and the engine runs as in production. Next to it, it keeps an
// in-memory model of what the disk would hold after a power cut:
//   * Per file, its durable bytes: what a completed SyncRegion (widened down
//     to the page start, as msync is), ZeroRange or WriteFile(kSync) (the
//     whole new content) covered. CreateAndMap's preallocated, zero-filled
//     size is durable together with the name. WriteFile(kNoSync) makes
//     nothing durable: a new file's durable content is empty.
//   * Per directory, its durable entry names. CreateAndMap, WriteFile of a new
//     name, Rename, DeleteFile, DeleteDir, LockFile (when it creates) and
//     CreateDirs change the live tree at once but only queue an operation on
//     the parent directory; SyncDir(dir) applies dir's queue in order. A name
//     that is not durable vanishes at a power cut, however well its data was
//     synced. CreateDirs syncs each parent it changes, as the POSIX one does.
// The model works on inodes: a renamed or unlinked file keeps its data, and a
// mapping of an unlinked file still syncs into the inode its (not yet synced
// away) durable name shows. Everything under the root when the object is built
// counts as durable, and so does anything later found in the live tree that
// did not come through this object.
//
// PowerCut() freezes the model: it captures the live bytes of every file (what
// the page cache held at the cut). From then on every mutating call
// (CreateAndMap, MapExisting, SyncRegion, ZeroRange, WriteFile, Rename,
// DeleteFile, DeleteDir, CreateDirs, SyncDir, LockFile) fails with
// absl::UnavailableError("simulated power loss") and changes neither the live
// tree nor the model. Pure queries (ReadFile, ListDir, Exists, IsDirectory,
// FileSize, ModifiedTimeMillis, GetDiskUsage) keep answering from the live
// tree, which nothing changes any more except stores into still-mapped memory;
// those reach no crash image. MaterializeCrashImage() then writes the disk
// state into a fresh directory, which the test reopens with
// engine::DefaultFileSystem().
//
// Faults: FailSyncAfter() fails a chosen sync (then either recovers, keeps
// failing, or, fsyncgate style, silently drops the failed data even from later
// "successful" syncs). SetDiskFull() and FailAllocateWhen() make CreateAndMap
// and WriteFile fail with ResourceExhausted, as fallocate and write do on
// ENOSPC.
//
// Paths must lie under the root (compared after lexical normalization); others
// get InvalidArgument, and Exists/IsDirectory answer false.
//
// Memory: the model holds a full copy of each file's durable bytes (plus the
// live bytes of files written with WriteFile), and PowerCut() reads every file
// into memory. Meant for crash tests with small files (a few MiB each).
//
// Thread safety: thread-safe. One mutex serializes each mutating call
// (including its real syscall) against PowerCut(), so every call is atomic
// with respect to the cut: it completes before it, or fails with Unavailable
// and has no effect. Queries do not take the mutex. SyncRegion copies the
// synced range out of the caller's mapping, so (as for msync) nobody may store
// into that range meanwhile.
//
// Lifetimes: `base` must outlive this object. Regions from CreateAndMap and
// MapExisting are the underlying implementation's; they may outlive this
// object but may only be passed to it while it lives. A region of a file that
// no name (live, durable or queued) refers to any more syncs for real and
// changes nothing in the model.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"

namespace tern::testing {

// How a crash image treats what was not synced. The default (all zero) is the
// strict model: exactly what completed syncs and dir-syncs made durable,
// nothing else.
struct CrashImageOptions {
  // Seeds every random choice below; the same seed and model give the same
  // image.
  uint64_t seed = 0;
  // Each dirty 4 KiB page (live bytes at the cut differ from durable ones) is
  // written back with this probability, and a size change that was not synced
  // is kept with it too. 1 keeps every live byte present at the cut.
  double keep_unsynced_page_probability = 0;
  // A kept page is torn at 512 B sectors: half of the time only a random prefix
  // of its sectors (possibly none or all) is written back, otherwise a random
  // subset of them.
  bool tear_pages = false;
  // For each directory with queued (not yet dir-synced) operations: with this
  // probability a random non-empty prefix of the queue is applied, as a
  // journaling file system that commits metadata in order may do.
  double keep_unsynced_dir_ops_probability = 0;
};

// What happens to syncs after the one chosen by FailSyncAfter().
enum class SyncFaultMode {
  // Only the chosen sync fails; later ones work normally (a transient error).
  kOnce,
  // The chosen sync and every later one fail (the device is gone).
  kSticky,
  // "fsyncgate": only the chosen sync fails, but the data it covered is
  // dropped as if written back: a later sync of those pages reports success
  // without making them durable, unless their content changed in between. A
  // failed SyncDir drops the queued directory operations for good.
  kOnceLosingData,
};

// Counters for tests and benchmarks. Call counts include failed calls.
struct SimFileSystemStats {
  uint64_t mutating_calls = 0;
  uint64_t sync_region_calls = 0;
  // Bytes successful SyncRegion calls covered, page-widened as msync is.
  uint64_t bytes_synced = 0;
  uint64_t zero_range_calls = 0;
  uint64_t file_syncs = 0;  // successful WriteFile(kSync)
  uint64_t dir_syncs = 0;   // successful SyncDir, CreateDirs' included
  uint64_t injected_failures = 0;
};

class SimFileSystem final : public engine::FileSystem {
 public:
  // `root` must be an existing directory; everything under it is snapshotted as
  // durable. `base` must outlive this object.
  explicit SimFileSystem(std::string root, engine::FileSystem* base = engine::DefaultFileSystem());
  ~SimFileSystem() override;
  SimFileSystem(const SimFileSystem&) = delete;
  SimFileSystem& operator=(const SimFileSystem&) = delete;

  // ---- engine::FileSystem ----
  absl::StatusOr<std::unique_ptr<engine::MappedRegion>> CreateAndMap(const std::string& path,
                                                                     size_t size) override;
  absl::StatusOr<std::unique_ptr<engine::MappedRegion>> MapExisting(const std::string& path,
                                                                    size_t expected_size,
                                                                    engine::Access access) override;
  absl::Status SyncRegion(engine::MappedRegion& region, size_t offset, size_t len) override;
  absl::Status ZeroRange(engine::MappedRegion& region, size_t offset, size_t len) override;
  absl::StatusOr<std::string> ReadFile(const std::string& path) override;
  absl::Status WriteFile(const std::string& path, std::string_view data,
                         engine::SyncMode sync) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status DeleteFile(const std::string& path) override;
  absl::Status DeleteDir(const std::string& path) override;
  absl::Status CreateDirs(const std::string& path) override;
  absl::Status SyncDir(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override;
  bool Exists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override;
  absl::StatusOr<int64_t> ModifiedTimeMillis(const std::string& path) override;
  // While the disk is "full" (SetDiskFull), reports no free bytes.
  absl::StatusOr<engine::DiskUsage> GetDiskUsage(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<engine::FileLock>> LockFile(const std::string& path) override;

  // ---- power loss ----
  // Cuts the power now (idempotent). See the file comment for what still works
  // afterwards.
  void PowerCut();
  bool power_cut() const;
  // The next `k` mutating calls run normally; the one after cuts the power and
  // fails (k = 0: the very next one). Every call counts once, except that
  // CreateDirs counts each directory it makes after the first, and each parent
  // SyncDir it makes, as one more. A negative `k` disarms.
  void PowerCutAfterOps(int64_t k);
  // Writes the disk state after the cut into `target_dir` (mirroring the root's
  // layout), which must not exist or be an empty directory, and must not lie
  // under the root. FailedPrecondition before PowerCut(). Callable many times,
  // e.g. with different seeds.
  absl::Status MaterializeCrashImage(const std::string& target_dir,
                                     const CrashImageOptions& opts = {});

  // ---- fault injection ----
  // The next `n` syncs (SyncRegion, ZeroRange, WriteFile(kSync), SyncDir,
  // including those inside CreateDirs) succeed and the one after fails with the
  // status the POSIX implementation gives for `err` (EIO: Internal, ENOSPC:
  // ResourceExhausted, ...). A failed sync makes nothing durable; WriteFile
  // still writes the live file, ZeroRange still zeroes the live bytes, as the
  // real calls do before their fdatasync fails.
  void FailSyncAfter(int n, int err, SyncFaultMode mode = SyncFaultMode::kOnce);
  // While `full`, CreateAndMap fails with ResourceExhausted and creates
  // nothing, and WriteFile of non-empty data creates or truncates the file to
  // empty, then fails with it (what open(O_TRUNC) + write(ENOSPC) leave
  // behind).
  void SetDiskFull(bool full);
  // Like SetDiskFull, for the paths `pred` accepts (called under the internal
  // mutex: it must not call back into this object). An empty function disarms.
  void FailAllocateWhen(std::function<bool(const std::string& path)> pred);
  // Disarms every fault above (not a power cut).
  void ClearFaults();

  SimFileSystemStats stats() const;
  const std::string& root() const { return root_; }

 private:
  struct DirOp;
  struct Node;
  struct RegionInfo {
    uint64_t node = 0;
    const uint8_t* data = nullptr;
    size_t size = 0;
  };
  class Rng;

  // The path relative to the root, split into components; InvalidArgument
  // outside the root.
  absl::StatusOr<std::vector<std::string>> Split(const std::string& path) const;
  std::string FullPath(const std::vector<std::string>& comps, size_t n) const;

  Node& NewNodeLocked(bool dir) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Node* FindNodeLocked(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Models the live subtree at `path` as fully durable; returns its node id.
  uint64_t SnapshotLocked(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The live node of the first `n` components (adopting live entries the model
  // lacks), or nullptr if there is none.
  Node* LookupLocked(const std::vector<std::string>& comps, size_t n)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Counts a mutating call; Unavailable after (or because of) the power cut.
  absl::Status BeginMutationLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Counts a sync: the injected error if this one must fail. `*lose_data` is
  // set when it is the kOnceLosingData one.
  absl::Status MaybeFailSyncLocked(std::string_view op, const std::string& path, bool* lose_data)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether the next MaybeFailSyncLocked fails (without counting it).
  bool NextSyncFailsLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool AllocationFailsLocked(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues a directory operation on `dir` (and updates its live entries).
  void LinkLocked(Node& dir, const std::string& name, uint64_t id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UnlinkLocked(Node& dir, const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status SyncDirLocked(const std::vector<std::string>& comps, size_t n)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RegisterRegionLocked(const engine::MappedRegion& region, Node& node)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Node* NodeOfRegionLocked(const engine::MappedRegion& region) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Makes [begin, end) of `node` durable from `live` (bytes at or after
  // `zero_from` as zeros), skipping pages lost by an fsyncgate fault whose
  // content has not changed since.
  void CommitRangeLocked(Node& node, const uint8_t* live, size_t file_size, size_t begin,
                         size_t end, size_t zero_from) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MarkPagesLostLocked(Node& node, const uint8_t* live, size_t file_size, size_t begin,
                           size_t end) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PowerCutLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops nodes no live name, durable name or queued operation refers to.
  void CollectGarbageLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status WriteImageDirLocked(const Node& dir, const std::string& path,
                                   const CrashImageOptions& opts, Rng& rng)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string ImageBytesLocked(const Node& file, const CrashImageOptions& opts, Rng& rng)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string root_;  // lexically normalized, no trailing slash
  engine::FileSystem* const base_;
  const size_t page_size_;  // the kernel's, for msync widening

  mutable Mutex mu_;
  uint64_t root_id_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Node>> nodes_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<const engine::MappedRegion*, RegionInfo> regions_ ABSL_GUARDED_BY(mu_);
  bool cut_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status cut_capture_status_ ABSL_GUARDED_BY(mu_);
  int64_t ops_until_cut_ ABSL_GUARDED_BY(mu_) = -1;
  int64_t syncs_until_fault_ ABSL_GUARDED_BY(mu_) = -1;
  int sync_fault_errno_ ABSL_GUARDED_BY(mu_) = 0;
  SyncFaultMode sync_fault_mode_ ABSL_GUARDED_BY(mu_) = SyncFaultMode::kOnce;
  bool syncs_failing_ ABSL_GUARDED_BY(mu_) = false;  // kSticky fired
  // Atomic: GetDiskUsage reads it without mu_.
  std::atomic<bool> disk_full_{false};
  std::function<bool(const std::string&)> allocate_fault_ ABSL_GUARDED_BY(mu_);
  SimFileSystemStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::testing
