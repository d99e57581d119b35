// consume_queue_table.h: every ConsumeQueue of the store, by (topic, queueId), under
// `<storeRoot>/consumequeue/`.
//
// Queues are created lazily by the dispatcher on a queue's first message (a queue that never
// received one has no directory, as in RocketMQ). Topics whose names are not valid RocketMQ
// topic names never become directories.
//
// Thread safety: all methods are thread-safe. Lookups take a shared lock and return a
// shared_ptr, so a queue destroyed by topic deletion stays valid for readers holding it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/consume_queue.h"
#include "engine/queue_key.h"

namespace tern::engine {

class ConsumeQueueTable {
 public:
  ConsumeQueueTable(FileSystem* fs, std::string root, size_t units_per_file);
  ConsumeQueueTable(const ConsumeQueueTable&) = delete;
  ConsumeQueueTable& operator=(const ConsumeQueueTable&) = delete;

  // Maps every queue directory under the root (topic/queueId/). Directories that are not a
  // valid topic with a numeric queue id are skipped with an entry in `skipped`.
  absl::Status Load(Access access, std::vector<std::string>* skipped);

  std::shared_ptr<ConsumeQueue> Find(QueueKeyView key) const;
  // Creates the queue object (no files until its first Put). InvalidArgument for bad names.
  absl::StatusOr<std::shared_ptr<ConsumeQueue>> FindOrCreate(QueueKeyView key);

  std::vector<std::shared_ptr<ConsumeQueue>> All() const;
  std::vector<std::shared_ptr<ConsumeQueue>> QueuesOf(std::string_view topic) const;
  std::vector<std::string> Topics() const;

  // Destroys every queue of `topic` (files and directories).
  absl::Status DestroyTopic(std::string_view topic);

  // Changes whenever a queue is removed, so holders of cached pointers know to look again.
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  const std::string& root() const { return root_; }
  size_t units_per_file() const { return units_per_file_; }

 private:
  FileSystem* const fs_;
  const std::string root_;
  const size_t units_per_file_;
  Access access_ = Access::kReadWrite;
  std::atomic<uint64_t> epoch_{0};
  mutable SharedMutex mu_;
  absl::flat_hash_map<QueueKey, std::shared_ptr<ConsumeQueue>, QueueKeyHash, QueueKeyEq> queues_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::engine
