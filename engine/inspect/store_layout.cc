#include "engine/inspect/store_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "engine/base/status.h"
#include "engine/consume_queue.h"
#include "engine/index/index_file_format.h"
#include "engine/index/index_file_name.h"
#include "engine/mapped_file.h"

namespace tern::inspect {
namespace {

using engine::FileSystem;
using engine::JoinPath;

absl::StatusOr<std::vector<FileEntry>> ListSegments(FileSystem& fs, const std::string& dir,
                                                    std::vector<std::string>* strays) {
  std::vector<FileEntry> out;
  if (!fs.IsDirectory(dir)) return out;
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.ListDir(dir));
  for (const std::string& name : names) {
    FileEntry e;
    e.name = name;
    e.path = JoinPath(dir, name);
    if (!engine::ParseOffsetFileName(name, &e.from_offset) || fs.IsDirectory(e.path)) {
      if (strays != nullptr) strays->push_back(e.path);
      continue;
    }
    TERN_ASSIGN_OR_RETURN(e.size, fs.FileSize(e.path));
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.from_offset < b.from_offset; });
  return out;
}

bool ParseQueueId(std::string_view s, int32_t* out) {
  if (s.empty() || s.size() > 9) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out >= 0;
}

absl::Status ListQueues(FileSystem& fs, StoreLayout& layout) {
  const std::string root = layout.QueueRoot();
  if (!fs.IsDirectory(root)) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> topics, fs.ListDir(root));
  for (const std::string& topic : topics) {
    const std::string tdir = JoinPath(root, topic);
    if (!fs.IsDirectory(tdir) || !engine::IsValidTopicName(topic)) {
      layout.queue_strays.push_back(tdir);
      continue;
    }
    TERN_ASSIGN_OR_RETURN(std::vector<std::string> queues, fs.ListDir(tdir));
    for (const std::string& q : queues) {
      QueueDir qd;
      qd.topic = topic;
      qd.dir = JoinPath(tdir, q);
      if (!fs.IsDirectory(qd.dir) || !ParseQueueId(q, &qd.queue_id)) {
        layout.queue_strays.push_back(qd.dir);
        continue;
      }
      TERN_ASSIGN_OR_RETURN(qd.files, ListSegments(fs, qd.dir, &layout.queue_strays));
      layout.queues.push_back(std::move(qd));
    }
  }
  std::sort(layout.queues.begin(), layout.queues.end(), [](const QueueDir& a, const QueueDir& b) {
    return std::tie(a.topic, a.queue_id) < std::tie(b.topic, b.queue_id);
  });
  return absl::OkStatus();
}

absl::Status ListIndex(FileSystem& fs, StoreLayout& layout) {
  const std::string dir = layout.IndexDir();
  if (!fs.IsDirectory(dir)) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.ListDir(dir));
  for (const std::string& name : names) {
    FileEntry e;
    e.name = name;
    e.path = JoinPath(dir, name);
    if (!engine::IsIndexFileName(name) || fs.IsDirectory(e.path)) {
      layout.index_strays.push_back(e.path);
      continue;
    }
    TERN_ASSIGN_OR_RETURN(e.size, fs.FileSize(e.path));
    layout.index_files.push_back(std::move(e));
  }
  return absl::OkStatus();  // ListDir sorts by name, which is creation order
}

void InferGeometry(const GeometryOverrides& o, StoreLayout& layout) {
  StoreGeometry& g = layout.geometry;
  const std::vector<FileEntry>& cl = layout.commit_log_files;
  if (o.commit_log_file_size) {
    g.commit_log_file_size = *o.commit_log_file_size;
    g.notes.push_back(fmt::format("CommitLog file size {} (given)", g.commit_log_file_size));
  } else if (cl.size() >= 2 && cl[1].from_offset > cl[0].from_offset) {
    g.commit_log_file_size = static_cast<uint64_t>(cl[1].from_offset - cl[0].from_offset);
    g.notes.push_back(fmt::format("CommitLog file size {} (from the first two file names)",
                                  g.commit_log_file_size));
  } else if (cl.size() == 1 && cl[0].size > 0) {
    g.commit_log_file_size = cl[0].size;
    g.notes.push_back(fmt::format(
        "CommitLog file size {} (the only file's size; pass --commitlog-file-size if the "
        "broker uses another)",
        g.commit_log_file_size));
  } else {
    g.notes.push_back(fmt::format("CommitLog file size {} (default)", g.commit_log_file_size));
  }

  std::map<uint64_t, int> sizes;
  for (const QueueDir& q : layout.queues) {
    for (const FileEntry& f : q.files) {
      if (f.size > 0 && f.size % engine::kCqUnitSize == 0) ++sizes[f.size];
    }
  }
  if (o.cq_units_per_file) {
    g.cq_units_per_file = *o.cq_units_per_file;
    g.notes.push_back(fmt::format("ConsumeQueue units per file {} (given)", g.cq_units_per_file));
  } else if (!sizes.empty()) {
    auto best = sizes.begin();
    for (auto it = sizes.begin(); it != sizes.end(); ++it) {
      if (it->second >= best->second) best = it;
    }
    g.cq_units_per_file = best->first / engine::kCqUnitSize;
    g.notes.push_back(fmt::format("ConsumeQueue units per file {} (most common file size {})",
                                  g.cq_units_per_file, best->first));
  }

  if (o.index_hash_slot_num && o.index_num) {
    g.index_hash_slot_num = *o.index_hash_slot_num;
    g.index_num = *o.index_num;
    g.notes.push_back(fmt::format("index geometry {} slots / {} entries (given)",
                                  g.index_hash_slot_num, g.index_num));
  } else if (!layout.index_files.empty()) {
    const uint64_t size = layout.index_files.front().size;
    const uint64_t per_slot = engine::kIndexHashSlotSize + 4 * engine::kIndexEntrySize;  // 84
    if (size > engine::kIndexHeaderSize && (size - engine::kIndexHeaderSize) % per_slot == 0 &&
        (size - engine::kIndexHeaderSize) / per_slot <= 0x1fffffff / 4) {
      g.index_hash_slot_num = static_cast<int32_t>((size - engine::kIndexHeaderSize) / per_slot);
      g.index_num = 4 * g.index_hash_slot_num;
      g.notes.push_back(fmt::format("index geometry {} slots / {} entries (from file size {})",
                                    g.index_hash_slot_num, g.index_num, size));
    } else {
      g.index_geometry_known = false;
      g.notes.push_back(fmt::format(
          "index geometry unknown: file size {} is not 40 + 84 x slots; pass --index-slots "
          "and --index-num",
          size));
    }
  }
}

}  // namespace

const QueueDir* StoreLayout::FindQueue(std::string_view topic, int32_t queue_id) const {
  auto it = std::lower_bound(queues.begin(), queues.end(), std::make_pair(topic, queue_id),
                             [](const QueueDir& q, const std::pair<std::string_view, int32_t>& k) {
                               const int c = std::string_view(q.topic).compare(k.first);
                               return c < 0 || (c == 0 && q.queue_id < k.second);
                             });
  if (it == queues.end() || it->topic != topic || it->queue_id != queue_id) return nullptr;
  return &*it;
}

absl::StatusOr<std::vector<FileEntry>> ListCommitLogFiles(FileSystem& fs, const std::string& dir) {
  return ListSegments(fs, dir, nullptr);
}

absl::StatusOr<StoreLayout> DiscoverStore(FileSystem& fs, const std::string& root,
                                          const GeometryOverrides& overrides) {
  if (!fs.IsDirectory(root)) {
    return absl::NotFoundError(fmt::format("{}: not a directory", root));
  }
  StoreLayout layout;
  layout.root = root;
  layout.commit_log_dir = JoinPath(root, "commitlog");
  if (!fs.IsDirectory(layout.commit_log_dir) && !fs.IsDirectory(layout.QueueRoot())) {
    return absl::FailedPreconditionError(
        fmt::format("{}: not a store (no commitlog/ or consumequeue/ directory)", root));
  }
  TERN_ASSIGN_OR_RETURN(layout.commit_log_files,
                        ListSegments(fs, layout.commit_log_dir, &layout.commit_log_strays));
  TERN_RETURN_IF_ERROR(ListQueues(fs, layout));
  TERN_RETURN_IF_ERROR(ListIndex(fs, layout));
  if (fs.IsDirectory(layout.ConfigDir())) {
    TERN_ASSIGN_OR_RETURN(layout.config_files, fs.ListDir(layout.ConfigDir()));
  }
  layout.has_checkpoint = fs.Exists(layout.CheckpointPath());
  layout.has_abort = fs.Exists(JoinPath(root, "abort"));
  layout.has_lock = fs.Exists(JoinPath(root, "lock"));
  InferGeometry(overrides, layout);
  return layout;
}

}  // namespace tern::inspect
