// process_queue.h: the messages of one assigned queue between pull and acknowledgement
// (RocketMQ's ProcessQueue). The consumer commits "the smallest offset still in flight", so a
// message finishing early never moves the committed offset past one still being consumed.
//
// Thread safety: all methods are thread-safe (pull callbacks add, consume threads remove).
// Lifetime: shared by the consumer's table, in-flight pulls and consume tasks; `dropped`
// tells them to stop (the queue was rebalanced away or the consumer is shutting down).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "client/message.h"
#include "engine/base/mutex.h"

namespace tern::client {

class ProcessQueue {
 public:
  explicit ProcessQueue(MessageQueue queue, int64_t next_offset)
      : queue_(std::move(queue)), next_offset_(next_offset) {}

  const MessageQueue& queue() const { return queue_; }

  // Messages just pulled (copies kept until removed).
  void Put(const std::vector<MessageExt>& msgs);
  // Acknowledges `msgs`; returns the offset to commit (the smallest offset still in flight,
  // or one past the largest seen), or -1 when nothing was in flight.
  int64_t Remove(const std::vector<MessageExt>& msgs);

  size_t count() const;
  size_t bytes() const;
  // Largest minus smallest offset in flight (0 when empty).
  int64_t span() const;

  // ---- Orderly mode: the messages themselves are kept, in offset order, until committed.
  void PutOrderly(std::vector<MessageExt> msgs);
  // Moves up to `n` of the earliest pending messages to "consuming" and returns them.
  std::vector<MessageExt> TakeOrderly(size_t n);
  // The consuming messages are done: returns the offset to commit (last one + 1), or -1.
  int64_t CommitOrderly();
  // The consuming messages go back to pending (SUSPEND_CURRENT_QUEUE_A_MOMENT), with their
  // reconsume counts as given.
  void ReturnOrderly(std::vector<MessageExt> msgs);
  bool HasPendingOrderly() const;
  // At most one orderly consume task per queue: set by whoever schedules one.
  std::atomic<bool>& orderly_scheduled() { return orderly_scheduled_; }
  // Held while a listener consumes this queue orderly (a queue is released only between
  // listener calls).
  Mutex& consume_mutex() { return consume_mu_; }
  // The broker lock of an orderly clustering consumer.
  bool locked() const { return locked_.load(); }
  int64_t last_lock_ms() const { return last_lock_ms_.load(); }
  void SetLocked(bool locked, int64_t now_ms) {
    locked_.store(locked);
    if (locked) last_lock_ms_.store(now_ms);
  }

  int64_t next_offset() const { return next_offset_.load(); }
  void set_next_offset(int64_t o) { next_offset_.store(o); }
  bool dropped() const { return dropped_.load(); }
  int64_t last_pull_ms() const { return last_pull_ms_.load(); }
  void set_last_pull_ms(int64_t ms) { last_pull_ms_.store(ms); }
  int64_t last_consume_ms() const { return last_consume_ms_.load(); }
  void set_last_consume_ms(int64_t ms) { last_consume_ms_.store(ms); }
  // Smallest and largest offsets in flight (0, 0 when empty).
  std::pair<int64_t, int64_t> offset_range() const;
  void Drop() { dropped_.store(true); }

 private:
  const MessageQueue queue_;
  std::atomic<int64_t> next_offset_;
  std::atomic<bool> dropped_{false};
  std::atomic<int64_t> last_pull_ms_{0};
  std::atomic<int64_t> last_consume_ms_{0};
  std::atomic<bool> orderly_scheduled_{false};
  std::atomic<bool> locked_{false};
  std::atomic<int64_t> last_lock_ms_{0};
  Mutex consume_mu_;
  mutable Mutex mu_;
  std::map<int64_t, size_t> in_flight_ ABSL_GUARDED_BY(mu_);      // offset -> body size
  std::map<int64_t, MessageExt> pending_ ABSL_GUARDED_BY(mu_);    // orderly
  std::map<int64_t, MessageExt> consuming_ ABSL_GUARDED_BY(mu_);  // orderly
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t max_seen_ ABSL_GUARDED_BY(mu_) = -1;
};

}  // namespace tern::client
