// pull_hold.h: long polling — PULL requests that found nothing are parked per (topic, queue)
// and re-run when the dispatcher makes a matching message visible, or when their suspend
// time runs out (protocol.md 2.5 step 5). "Matching" is the parked filter's tag-code check
// and, for property filters (SQL92), its evaluation on the arrived message's properties, as
// Java's PullRequestHoldService does: a message an SQL92 consumer does not want wakes nobody.
//
// Wake-ups come from the store's dispatch listener (OnArrival, on the dispatch thread); it
// costs one atomic load when nothing is parked. Deadlines are kept by one thread that sleeps
// until the earliest one. A re-run is handed to `rerun` (which posts it to an I/O thread), so
// neither the dispatcher nor the timer thread runs pull logic. Requests of closed connections
// are dropped without an answer (the client is gone).
//
// Thread safety: all methods are thread-safe. Start/Stop from the owner.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "engine/base/clock.h"
#include "engine/base/mutex.h"
#include "engine/queue_key.h"
#include "server/broker/subscription.h"
#include "server/remoting/channel.h"
#include "server/remoting/command.h"
#include "server/remoting/headers/pull.h"

namespace tern::broker {

struct ParkedPull {
  remoting::ChannelPtr channel;
  remoting::RemotingCommand request;
  remoting::PullMessageRequestHeader header;
  std::shared_ptr<const engine::MessageFilter> filter;  // null: everything matches
  MonoClock::time_point deadline;
};

class PullHoldService {
 public:
  using Rerun = std::function<void(ParkedPull)>;
  explicit PullHoldService(Rerun rerun);
  ~PullHoldService();
  PullHoldService(const PullHoldService&) = delete;
  PullHoldService& operator=(const PullHoldService&) = delete;

  void Start();
  // Stops the timer thread and drops every parked request.
  void Stop();

  void Park(ParkedPull pull);
  // A message with `tags_code` and `properties` became visible in (topic, queue); the queue
  // now ends at `max_offset` (exclusive). With `any_tag`, wakes every pull behind max_offset
  // whatever its filter (a re-check after parking, when the arrived message is unknown).
  void OnArrival(std::string_view topic, int32_t queue_id, int64_t max_offset, int64_t tags_code,
                 std::string_view properties, bool any_tag = false);

  size_t parked() const { return count_.load(std::memory_order_relaxed); }

 private:
  void Run();

  const Rerun rerun_;
  mutable Mutex mu_;
  CondVar cv_;
  absl::flat_hash_map<engine::QueueKey, std::vector<ParkedPull>, engine::QueueKeyHash,
                      engine::QueueKeyEq>
      parked_ ABSL_GUARDED_BY(mu_);
  MonoClock::time_point next_deadline_ ABSL_GUARDED_BY(mu_) = MonoClock::time_point::max();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<size_t> count_{0};
  std::thread thread_;
};

}  // namespace tern::broker
