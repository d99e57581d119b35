// offset_store.h: where a consumer keeps the next offset to consume of each queue (RocketMQ's
// OffsetStore). Clustering groups keep it on the broker (RemoteOffsetStore: an in-memory table
// pushed with UPDATE_CONSUMER_OFFSET every persistConsumerOffsetInterval and at shutdown);
// broadcasting consumers keep it in a local file (LocalOffsetStore), since every member
// consumes every queue on its own.
//
// Thread safety: all methods are thread-safe. The instance passed to RemoteOffsetStore must
// outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "client/client_instance.h"
#include "client/message.h"
#include "engine/base/mutex.h"

namespace tern::client {

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  virtual absl::Status Load() = 0;
  // The stored offset: from memory, or (from_store) the broker/file. NotFound when the group
  // has none for the queue.
  virtual absl::StatusOr<int64_t> Read(const MessageQueue& queue, bool from_store) = 0;
  // increase_only: keep the larger of the old and new offsets (concurrent consumers finish
  // out of order).
  void Update(const MessageQueue& queue, int64_t offset, bool increase_only);
  // Persists the offsets of `queues` (all known when empty). Remote: oneway unless `sync`
  // (a queue being handed to another member is committed synchronously, as Java does).
  void Persist(const std::set<MessageQueue>& queues, bool sync = false) { DoPersist(queues, sync); }
  void Remove(const MessageQueue& queue);
  // The in-memory offset, or -1.
  int64_t Cached(const MessageQueue& queue) const;
  // The in-memory offsets of `topic`'s queues (every queue when empty): Java's
  // cloneOffsetTable, what GET_CONSUMER_STATUS_FROM_CLIENT (221) reports.
  std::map<MessageQueue, int64_t> CloneTable(std::string_view topic) const;

 protected:
  virtual void DoPersist(const std::set<MessageQueue>& queues, bool sync) = 0;
  std::map<MessageQueue, int64_t> Snapshot() const;
  void Set(const MessageQueue& queue, int64_t offset);

 private:
  mutable Mutex mu_;
  std::map<MessageQueue, int64_t> table_ ABSL_GUARDED_BY(mu_);
};

class RemoteOffsetStore final : public OffsetStore {
 public:
  RemoteOffsetStore(ClientInstance* instance, std::string group)
      : instance_(instance), group_(std::move(group)) {}
  absl::Status Load() override { return absl::OkStatus(); }
  absl::StatusOr<int64_t> Read(const MessageQueue& queue, bool from_store) override;

 private:
  void DoPersist(const std::set<MessageQueue>& queues, bool sync) override;
  ClientInstance* const instance_;
  const std::string group_;  // wire name
};

// File: <dir>/<client id>/<group>/offsets.tsv, lines "topic\tbroker\tqueueId\toffset",
// replaced atomically (write, fsync, rename).
class LocalOffsetStore final : public OffsetStore {
 public:
  LocalOffsetStore(std::string dir, const std::string& client_id, const std::string& group);
  absl::Status Load() override;
  absl::StatusOr<int64_t> Read(const MessageQueue& queue, bool from_store) override;
  const std::string& path() const { return path_; }

 private:
  void DoPersist(const std::set<MessageQueue>& queues, bool sync) override;
  absl::Status WriteFile();
  std::string path_;
  Mutex file_mu_;
};

}  // namespace tern::client
