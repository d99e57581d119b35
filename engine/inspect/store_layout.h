// store_layout.h: what a store directory holds, found by listing it (never by opening a
// broker): CommitLog segments, ConsumeQueue directories, IndexFiles, checkpoint, abort, lock and
// config files, and the file geometry the broker that wrote them must have used.
//
// Geometry is not recorded in a store, so it is inferred and every inference is noted:
//   - CommitLog file size: the distance between the first two file names (names are start
//     offsets), else the only file's size, else 1 GiB; --commitlog-file-size overrides.
//   - ConsumeQueue units per file: the most common CQ file size / 20 (default 300,000).
//   - IndexFile geometry: from the first index file's size, assuming indexNum = 4 x
//     hashSlotNum as both RocketMQ's defaults (5M/20M) and common small settings do.
// The offline tools use this geometry for every check; the broker refuses a store whose files
// do not match its configuration, so a mismatch is reported as a defect by verify.
//
// Plain value types; DiscoverStore only lists directories and stats files (no mapping) and is
// safe on a live store. The FileSystem must outlive the call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/file_system.h"

namespace tern::inspect {

// Geometry the caller knows better than the inference (flags of `tern store`).
struct GeometryOverrides {
  std::optional<uint64_t> commit_log_file_size;
  std::optional<uint64_t> cq_units_per_file;
  std::optional<int32_t> index_hash_slot_num;
  std::optional<int32_t> index_num;
};

struct StoreGeometry {
  uint64_t commit_log_file_size = uint64_t{1} << 30;
  uint64_t cq_units_per_file = 300000;
  int32_t index_hash_slot_num = 5000000;
  int32_t index_num = 20000000;
  bool index_geometry_known = true;
  std::vector<std::string> notes;  // how each value was found
};

// One segment file (CommitLog, ConsumeQueue) or IndexFile as listed.
struct FileEntry {
  std::string name;
  std::string path;
  int64_t from_offset = 0;  // parsed from a 20-digit name; 0 for index files
  uint64_t size = 0;        // bytes on disk (logical size)
};

struct QueueDir {
  std::string topic;
  int32_t queue_id = 0;
  std::string dir;
  std::vector<FileEntry> files;  // 20-digit names only, ascending
};

struct StoreLayout {
  std::string root;
  std::string commit_log_dir;
  std::vector<FileEntry> commit_log_files;     // ascending by offset
  std::vector<std::string> commit_log_strays;  // entries that are not 20-digit segment names
  std::vector<QueueDir> queues;                // sorted by (topic, queue id)
  std::vector<std::string> queue_strays;       // directories that are not topic/queueId
  std::vector<FileEntry> index_files;          // ascending by name
  std::vector<std::string> index_strays;
  std::vector<std::string> config_files;  // names in config/ (backups and temp files included)
  bool has_checkpoint = false;
  bool has_abort = false;
  bool has_lock = false;
  StoreGeometry geometry;

  std::string CheckpointPath() const { return engine::JoinPath(root, "checkpoint"); }
  std::string ConfigDir() const { return engine::JoinPath(root, "config"); }
  std::string QueueRoot() const { return engine::JoinPath(root, "consumequeue"); }
  std::string IndexDir() const { return engine::JoinPath(root, "index"); }
  const QueueDir* FindQueue(std::string_view topic, int32_t queue_id) const;
};

// The CommitLog segments in `dir`, ascending (dump --follow re-lists them as a broker rolls).
absl::StatusOr<std::vector<FileEntry>> ListCommitLogFiles(engine::FileSystem& fs,
                                                          const std::string& dir);

// Lists `root`. NotFound when it is not a directory; FailedPrecondition when it holds neither
// a commitlog/ nor a consumequeue/ directory (not a store).
absl::StatusOr<StoreLayout> DiscoverStore(engine::FileSystem& fs, const std::string& root,
                                          const GeometryOverrides& overrides);

}  // namespace tern::inspect
