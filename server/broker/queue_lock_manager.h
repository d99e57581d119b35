// queue_lock_manager.h: the per-(group, queue) locks orderly consumers take with
// LOCK_BATCH_MQ (RocketMQ's RebalanceLockManager, protocol.md 8).
//
// A lock belongs to a client id and expires `max_live_ms` (60 s) after its last renewal.
// TryLockBatch grants every queue that is free, expired or already held by the caller;
// UnlockBatch releases the caller's own locks. Beyond RocketMQ: ReleaseAbsent drops the locks
// of clients that left the group (Java keeps them until they expire, so a crashed orderly
// consumer's queues stall for up to 60 s), and both report whether anything was released so
// the broker can tell the group to rebalance at once (RocketMQ's new owner waits up to 20 s for
// its next lock round, apache/rocketmq#2621).
//
// Locks live in memory only; after a broker restart clients re-lock within their 20 s period.
// Thread safety: all methods are thread-safe (one mutex, no I/O under it).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"

namespace tern::broker {

struct LockedQueue {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;
  auto operator<=>(const LockedQueue&) const = default;
};

class QueueLockManager {
 public:
  explicit QueueLockManager(int64_t max_live_ms = 60000) : max_live_ms_(max_live_ms) {}

  // The subset of `queues` now held by `client_id`.
  std::vector<LockedQueue> TryLockBatch(const std::string& group,
                                        const std::vector<LockedQueue>& queues,
                                        const std::string& client_id, int64_t now_ms);
  // Returns true when at least one lock was released.
  bool UnlockBatch(const std::string& group, const std::vector<LockedQueue>& queues,
                   const std::string& client_id);
  // Releases the group's locks held by clients not in `live_client_ids`; true if any.
  bool ReleaseAbsent(const std::string& group, const std::set<std::string>& live_client_ids);

  // The holder of a queue's unexpired lock, or "" (admin and tests).
  std::string Holder(const std::string& group, const LockedQueue& queue, int64_t now_ms) const;

 private:
  struct Entry {
    std::string client_id;
    int64_t last_update_ms = 0;
  };
  const int64_t max_live_ms_;
  mutable Mutex mu_;
  std::map<std::string, std::map<LockedQueue, Entry>> groups_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::broker
