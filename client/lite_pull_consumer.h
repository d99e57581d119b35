// lite_pull_consumer.h: the C++ lite pull consumer (RocketMQ's DefaultLitePullConsumer, 4.8/4.9):
// the application calls Poll() and gets messages that background pulls have buffered.
//
// Queues come from one of two sources, never both:
//  * Subscribe(topic, expression): the group manages assignment. Clustering members split each
//    topic's queues (AllocateAveragely over GET_CONSUMER_LIST_BY_GROUP), rebalanced every
//    rebalance_interval and at once on NOTIFY_CONSUMER_IDS_CHANGED; broadcasting members take
//    every queue. Heartbeats register the group as CONSUME_ACTIVELY.
//  * Assign(queues): the application names the queues; no rebalance.
//
// Each assigned queue has one pull in flight at a time (long polling: the broker holds it for
// `suspend`; sysflag SUBSCRIPTION|SUSPEND|LITE_PULL, never COMMIT). Pulled messages wait in a
// per-queue buffer; pulling pauses while a queue buffers more than pull_threshold_for_queue
// messages (or pull_threshold_mib_for_queue MiB), or all queues more than
// pull_threshold_for_all, and restarts as Poll() drains them. A queue's start offset is the
// group's committed offset, else `consume_from` (resolved off the I/O threads).
//
// Offsets. The consumed offset of a queue is one past the last message Poll() returned (or the
// Seek() target). CommitSync() commits the consumed offsets of all assigned queues and waits
// for the broker (clustering) or writes the offsets file (broadcasting). With auto_commit, what
// earlier Poll() calls returned counts as processed when Poll() is called again (Java's
// maybeAutoCommit): those offsets are committed every auto_commit_interval (oneway), when a
// queue is released (synchronously, so the next owner reads them) and at Shutdown() (which
// commits everything Poll() returned). Without auto_commit only CommitSync() commits.
// Committed offsets live on the broker (clustering) or in
// <offsets_dir>/<ip>@<instance_name>/<group>/offsets.tsv (broadcasting; keyed by the configured
// instance name, not the per-process client id, so that a restart finds it: two broadcasting
// consumers of one group in one process need distinct instance names). Delivery is
// at-least-once: a message may come again after a rebalance, a Seek() or a crash.
//
// Ordering: Poll() returns the messages of one queue in queue-offset order; it returns at most
// pull_batch_size messages per call, possibly from several queues (round robin). Paused queues
// keep what they buffered and deliver it after Resume().
//
// Errors: absl::Status, never exceptions. FailedPrecondition for misuse (Poll() before Start()
// or after Shutdown(), Subscribe() after Assign() or the reverse, Seek() or Pause() on a queue
// that is not assigned); OutOfRange for a Seek() outside [min, max] offset of the queue;
// broker and network failures as status_codes.h describes.
//
// Thread safety: all methods are thread-safe; callers that poll from several threads get no
// ordering between their results. Lifetime: Subscribe()/Assign() before or after Start();
// Shutdown() wakes Poll() callers (they return FailedPrecondition), waits for calls in
// progress, commits (auto_commit), leaves the group and stops every thread; no internal
// callback runs after it returns. The destructor calls Shutdown(); do not destroy the consumer
// while another thread is still inside one of its methods.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "client/client_config.h"
#include "client/client_instance.h"
#include "client/message.h"
#include "client/offset_store.h"
#include "client/push_consumer.h"  // MessageModel, ConsumeFrom
#include "engine/base/mutex.h"
#include "server/protocol/subscription.h"

namespace tern::client {

struct LitePullConsumerOptions {
  std::string group;
  MessageModel model = MessageModel::kClustering;
  // Where a queue without a committed offset starts.
  ConsumeFrom consume_from = ConsumeFrom::kLastOffset;
  int64_t consume_timestamp_ms = 0;  // kTimestamp; 0: half an hour before Start()
  // Messages per pull request, and at most this many per Poll().
  int32_t pull_batch_size = 10;
  // Flow control (messages buffered and not yet polled).
  size_t pull_threshold_for_all = 10000;
  size_t pull_threshold_for_queue = 1000;
  size_t pull_threshold_mib_for_queue = 100;
  // Poll() without a timeout.
  std::chrono::milliseconds poll_timeout{5000};
  bool auto_commit = true;
  std::chrono::milliseconds auto_commit_interval{5000};
  std::chrono::milliseconds rebalance_interval{20000};
  // Long-poll hold the broker is asked for (Java: brokerSuspendMaxTimeMillis 20 s); the client
  // waits 10 s longer for the answer.
  std::chrono::milliseconds suspend{20000};
  // Delay before pulling again after a failed pull (or resolving a start offset again).
  std::chrono::milliseconds pull_error_delay{1000};
  // Broadcasting offsets directory; empty: $HOME/.rocketmq_offsets (or /tmp without HOME).
  std::string offsets_dir;
};

class LitePullConsumer {
 public:
  LitePullConsumer(ClientConfig config, LitePullConsumerOptions options);
  ~LitePullConsumer();
  LitePullConsumer(const LitePullConsumer&) = delete;
  LitePullConsumer& operator=(const LitePullConsumer&) = delete;

  // `expression`: "*", "TagA", "TagA || TagB". Subscribing again replaces the expression.
  absl::Status Subscribe(const std::string& topic, const std::string& expression);
  // Stops consuming `topic` (subscribe mode); its queues are released.
  absl::Status Unsubscribe(const std::string& topic);
  // Replaces the assignment with `queues` (user topic names; non-empty).
  absl::Status Assign(const std::vector<MessageQueue>& queues);

  absl::Status Start();
  void Shutdown();

  // The readable queues of `topic`, from the name server (user topic names).
  absl::StatusOr<std::vector<MessageQueue>> FetchMessageQueues(const std::string& topic);
  // Queues currently assigned to this consumer (user topic names).
  std::vector<MessageQueue> Assignment() const;

  // Buffered messages, waiting up to `timeout` for some; empty when none came in time.
  absl::StatusOr<std::vector<MessageExt>> Poll();
  absl::StatusOr<std::vector<MessageExt>> Poll(std::chrono::milliseconds timeout);

  // The next Poll() of `queue` starts at `offset` (min <= offset <= max offset of the queue);
  // what the queue buffered is dropped.
  absl::Status Seek(const MessageQueue& queue, int64_t offset);
  absl::Status SeekToBegin(const MessageQueue& queue);
  absl::Status SeekToEnd(const MessageQueue& queue);
  // Paused queues neither pull nor deliver; a queue reassigned by a rebalance starts resumed.
  absl::Status Pause(const std::vector<MessageQueue>& queues);
  absl::Status Resume(const std::vector<MessageQueue>& queues);

  // Commits the consumed offset of every assigned queue (see the header comment).
  absl::Status CommitSync();
  // The group's committed offset of `queue` (this consumer's last commit, else the broker's or
  // the offsets file's); NotFound when there is none.
  absl::StatusOr<int64_t> Committed(const MessageQueue& queue);

  // Rebalances now (subscribe mode; it also runs periodically and on broker notification).
  void RequestRebalance();
  ClientInstance& instance() { return *instance_; }

 private:
  enum class Mode { kNone, kSubscribe, kAssign };
  enum class State { kCreated, kRunning, kStopped };

  // One assigned queue. Every field except `queue` is guarded by the consumer's mu_.
  struct QueueState {
    explicit QueueState(MessageQueue q) : queue(std::move(q)) {}
    const MessageQueue queue;  // wire topic name
    // Bumped by Seek() and release: answers to pulls of an older epoch are dropped.
    uint64_t epoch = 0;
    bool dropped = false;
    bool paused = false;
    bool pulling = false;           // a pull of this epoch is in flight or scheduled
    int64_t pull_offset = -1;       // next offset to pull; -1: to be resolved
    int64_t consume_offset = -1;    // one past the last polled message, or the Seek() target
    int64_t acked_offset = -1;      // consume_offset when Poll() was last entered
    int64_t auto_committed = -1;    // last acked_offset handed to the offset store
    std::deque<MessageExt> buffer;  // pulled, not yet polled, in offset order
    size_t buffer_bytes = 0;
  };

  // A pull to send (decided under mu_, sent outside it).
  struct PullTicket {
    std::shared_ptr<QueueState> queue;
    uint64_t epoch = 0;
    int64_t offset = 0;
    std::shared_ptr<const protocol::SubscriptionData> subscription;
  };

  // A subscribed (or assigned) topic: what heartbeats announce and what pulls carry (Java sends
  // subVersion 0 with TAG subscriptions in lite pulls).
  struct TopicSubscription {
    protocol::SubscriptionData heartbeat;
    std::shared_ptr<const protocol::SubscriptionData> pull;
  };

  // Admission to anything that may use the client instance from outside the service thread
  // (I/O callbacks, timers, API calls); Shutdown() closes it and waits for those inside.
  bool EnterCall();
  void ExitCall();
  class CallScope {
   public:
    explicit CallScope(LitePullConsumer* c) : c_(c), entered_(c->EnterCall()) {}
    ~CallScope() {
      if (entered_) c_->ExitCall();
    }
    CallScope(const CallScope&) = delete;
    CallScope& operator=(const CallScope&) = delete;
    bool ok() const { return entered_; }

   private:
    LitePullConsumer* const c_;
    const bool entered_;
  };

  enum class SeekTarget { kOffset, kBegin, kEnd };
  absl::Status SeekImpl(const MessageQueue& queue, SeekTarget target, int64_t offset);
  MessageQueue ToWire(const MessageQueue& queue) const;
  MessageQueue ToUser(const MessageQueue& queue) const;
  std::vector<protocol::SubscriptionData> HeartbeatSubscriptions() const;
  // Releases in-scope queues not in `wanted` and adds the wanted ones not yet assigned.
  // `topic`: only queues of this wire topic are in scope (all when nullopt).
  void ApplyAssignment(const std::optional<std::string>& topic,
                       const std::set<MessageQueue>& wanted);
  // Marks `qs` released; returns the offset to commit for it (-1: none).
  int64_t DropLocked(QueueState& qs) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ClearBufferLocked(QueueState& qs) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Commits (queue, offset) pairs; `sync`: wait for the broker (clustering).
  absl::Status CommitOffsets(const std::vector<std::pair<MessageQueue, int64_t>>& offsets,
                             bool sync);

  // Service thread (blocking calls allowed): heartbeat, rebalance, start offsets, auto commit.
  void RequestService(bool heartbeat, bool rebalance, bool resolve);
  void RunService();
  void RefreshRoutesAndHeartbeat();
  void RebalanceAll();
  void RebalanceTopic(const std::string& topic);
  // Resolves start offsets of new queues; false when some failed (retried later).
  bool ResolveOffsets();
  absl::StatusOr<int64_t> StartOffset(const MessageQueue& queue);
  void AutoCommit();

  // lite_pull_consumer_pull.cc
  // Appends a ticket for `qs` when it may pull now (sets `pulling`).
  void CollectPullLocked(const std::shared_ptr<QueueState>& qs, std::vector<PullTicket>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CollectAllPullsLocked(std::vector<PullTicket>* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IssuePulls(std::vector<PullTicket> tickets);
  void IssuePull(PullTicket ticket);
  void RetryPullLater(PullTicket ticket);
  void OnPulled(PullTicket ticket, absl::StatusOr<net::Response> response);
  // Moves up to pull_batch_size buffered messages of unpaused queues into `out`.
  void TakeReadyLocked(std::vector<MessageExt>* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LitePullConsumerOptions options_;
  std::unique_ptr<ClientInstance> instance_;
  const std::string wire_group_;
  // Set by Start() before state_ becomes kRunning; used only while running or after.
  std::unique_ptr<OffsetStore> offsets_;

  mutable Mutex mu_;
  CondVar poll_cv_;  // buffered messages became available, or the consumer stopped
  State state_ ABSL_GUARDED_BY(mu_) = State::kCreated;
  Mode mode_ ABSL_GUARDED_BY(mu_) = Mode::kNone;
  std::map<std::string, TopicSubscription> subscriptions_ ABSL_GUARDED_BY(mu_);  // wire topic
  std::map<MessageQueue, std::shared_ptr<QueueState>> queues_ ABSL_GUARDED_BY(mu_);
  size_t buffered_ ABSL_GUARDED_BY(mu_) = 0;                      // messages in all buffers
  std::optional<MessageQueue> poll_cursor_ ABSL_GUARDED_BY(mu_);  // last queue Poll() served

  Mutex gate_mu_;
  CondVar gate_cv_;
  bool gate_open_ ABSL_GUARDED_BY(gate_mu_) = false;
  int active_calls_ ABSL_GUARDED_BY(gate_mu_) = 0;

  Mutex service_mu_;
  CondVar service_cv_;
  bool heartbeat_requested_ ABSL_GUARDED_BY(service_mu_) = false;
  bool rebalance_requested_ ABSL_GUARDED_BY(service_mu_) = false;
  bool resolve_requested_ ABSL_GUARDED_BY(service_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(service_mu_) = false;
  std::thread service_;
};

}  // namespace tern::client
