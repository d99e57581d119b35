// push_consumer.h: the C++ push consumer (RocketMQ's DefaultMQPushConsumer, concurrent mode).
//
// Clustering (default): the group's members split each subscribed topic's queues
// (AllocateAveragely, rebalanced every rebalance_interval and at once when the broker sends
// NOTIFY_CONSUMER_IDS_CHANGED); offsets live on the broker, committed every
// persistConsumerOffsetInterval, with pulls, and at shutdown. The group's retry topic
// %RETRY%<group> is subscribed automatically; a message the listener answers
// kReconsumeLater is sent back to the broker (CONSUMER_SEND_MSG_BACK, which schedules it on
// the retry topic with a growing delay, then the DLQ after max_reconsume_times) and, if that
// fails, consumed again locally after 5 s. Broadcasting: every member consumes every queue;
// offsets are kept in a local file (offset_store.h); failed messages are not retried.
//
// Each assigned queue has one pull in flight at a time (long polling, suspend 15 s). Pulled
// messages are handed to consume_threads threads, at most consume_batch_max per listener
// call. A queue stops pulling while it holds more than pull_threshold_for_queue messages or
// pull_threshold_mib_for_queue MiB, or spans more than max_span offsets (flow control).
// Delivery is at-least-once: a message may be delivered again after a rebalance or a crash.
//
// Thread safety: all methods are thread-safe. The listener runs on consume threads, possibly
// concurrently for messages of one queue; it must not throw (an exception counts as
// kReconsumeLater). Lifetime: Subscribe() and RegisterListener() before Start(); Shutdown()
// finishes the running listener calls, commits offsets and leaves the group; no listener call
// starts after it returns.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
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
#include "client/process_queue.h"
#include "client/task_pool.h"
#include "engine/base/mutex.h"
#include "server/protocol/subscription.h"

namespace tern::client {

enum class ConsumeResult { kSuccess, kReconsumeLater };
enum class MessageModel { kClustering, kBroadcasting };
enum class ConsumeFrom { kLastOffset, kFirstOffset, kTimestamp };
// How a subscription's expression reads: tags, or an SQL92 condition on message properties.
enum class ExpressionType { kTag, kSql92 };

struct ConsumeContext {
  MessageQueue queue;  // user topic name
  // For kReconsumeLater: 0 lets the broker choose (3 + reconsume times), -1 sends straight
  // to the DLQ, > 0 is an explicit delay level.
  int32_t delay_level_when_next_consume = 0;
};

using MessageListener =
    std::function<ConsumeResult(const std::vector<MessageExt>& msgs, ConsumeContext& context)>;

enum class ConsumeOrderlyResult { kSuccess, kSuspendCurrentQueueAMoment };
struct ConsumeOrderlyContext {
  MessageQueue queue;  // user topic name
  // For kSuspendCurrentQueueAMoment: how long the queue pauses before the same messages are
  // delivered again.
  std::chrono::milliseconds suspend{1000};
};
using OrderlyMessageListener = std::function<ConsumeOrderlyResult(
    const std::vector<MessageExt>& msgs, ConsumeOrderlyContext& context)>;

struct PushConsumerOptions {
  std::string group;
  MessageModel model = MessageModel::kClustering;
  // Where a group with no committed offset starts (new queues of an existing group too).
  ConsumeFrom consume_from = ConsumeFrom::kLastOffset;
  int64_t consume_timestamp_ms = 0;  // kTimestamp; 0: half an hour before Start()
  int consume_threads = 20;
  int32_t pull_batch_size = 32;
  size_t consume_batch_max = 1;
  size_t pull_threshold_for_queue = 1000;
  size_t pull_threshold_mib_for_queue = 100;
  int64_t max_span = 2000;
  int32_t max_reconsume_times = 16;
  std::chrono::milliseconds suspend{15000};
  std::chrono::milliseconds rebalance_interval{20000};
  // Broadcasting offsets directory; empty: $HOME/.rocketmq_offsets (or /tmp without HOME).
  std::string offsets_dir;
  // Orderly: queue locks are renewed every lock_interval and trusted for lock_max_live after
  // the last renewal; a queue whose lock was refused is retried every lock_retry_interval
  // (RocketMQ waits for the next 20 s round). A message suspended more than
  // orderly_max_reconsume_times times (-1: no limit, as Java) goes to the DLQ.
  std::chrono::milliseconds lock_interval{20000};
  std::chrono::milliseconds lock_max_live{30000};
  std::chrono::milliseconds lock_retry_interval{1000};
  int32_t orderly_max_reconsume_times = -1;
};

class PushConsumer {
 public:
  PushConsumer(ClientConfig config, PushConsumerOptions options);
  ~PushConsumer();
  PushConsumer(const PushConsumer&) = delete;
  PushConsumer& operator=(const PushConsumer&) = delete;

  // `expression`: "*", "TagA", "TagA || TagB"; with kSql92 a condition on message properties
  // ("a > 5 AND TAGS IN ('TagA')", RocketMQ's MessageSelector.bySql), checked here and
  // filtered by the broker (which must allow it: enablePropertyFilter).
  absl::Status Subscribe(const std::string& topic, const std::string& expression,
                         ExpressionType type = ExpressionType::kTag);
  void RegisterListener(MessageListener listener);
  // ORDERLY mode: the messages of one queue are consumed by one thread at a time, in queue
  // order; in clustering mode only while this member holds the queue's broker lock
  // (LOCK_BATCH_MQ). Register either this or a concurrent listener.
  void RegisterOrderlyListener(OrderlyMessageListener listener);
  absl::Status Start();
  void Shutdown();

  // Rebalances now (it also runs periodically and on broker notification).
  void RequestRebalance();
  // Queues this member currently consumes (user topic names; the retry topic included).
  std::vector<MessageQueue> AssignedQueues() const;
  ClientInstance& instance() { return *instance_; }

 private:
  struct Pulled;
  std::vector<protocol::SubscriptionData> WireSubscriptions() const;
  void RunService();
  void RebalanceAll();
  void RebalanceTopic(const protocol::SubscriptionData& sub);
  void ApplyAssignment(const std::string& topic, const std::vector<MessageQueue>& assigned);
  absl::StatusOr<int64_t> PullFromWhere(const MessageQueue& queue);
  void PersistOffsets(bool sync);

  // push_consumer_pull.cc
  void SchedulePull(std::shared_ptr<ProcessQueue> pq, std::chrono::milliseconds delay);
  void Pull(std::shared_ptr<ProcessQueue> pq);
  void OnPulled(std::shared_ptr<ProcessQueue> pq, absl::StatusOr<net::Response> response);
  void SubmitConsume(std::shared_ptr<ProcessQueue> pq, std::vector<MessageExt> msgs);
  void Consume(std::shared_ptr<ProcessQueue> pq, std::vector<MessageExt> msgs);
  bool SendBack(const MessageExt& msg, const MessageQueue& queue, int32_t delay_level);

  // push_consumer_orderly.cc
  bool orderly() const { return static_cast<bool>(orderly_listener_); }
  // LOCK_BATCH_MQ for `queues` (grouped by broker); the subset granted.
  std::set<MessageQueue> LockQueues(const std::vector<MessageQueue>& queues);
  void UnlockQueues(const std::vector<MessageQueue>& queues);
  // Renews the locks of every orderly queue held; false if some queue is not locked.
  bool RenewLocks();
  void ScheduleOrderly(std::shared_ptr<ProcessQueue> pq, std::chrono::milliseconds delay);
  void ConsumeOrderly(std::shared_ptr<ProcessQueue> pq);
  // Waits for the queue's listener call to end, commits its offset and unlocks it.
  void ReleaseOrderly(const std::shared_ptr<ProcessQueue>& pq);

  // push_consumer_admin.cc: answers to the broker's admin requests (mqadmin consumerStatus,
  // consumeMessage; the dashboard's consumer detail).
  std::string RunningInfoJson();
  // RESET_CONSUMER_CLIENT_OFFSET: drops the topic's queues, stores the new offsets (broker and
  // memory) and takes the queues again from them.
  void ResetOffsets(const std::string& topic, const std::map<MessageQueue, int64_t>& offsets);
  std::string ConsumeDirectly(const MessageExt& msg, const std::string& broker_name);

  // Counters behind the running info's statusTable (rates over the time since the last
  // running-info request).
  struct Counters {
    std::atomic<int64_t> pulls{0};
    std::atomic<int64_t> pull_rt_us{0};
    std::atomic<int64_t> consume_ok{0};
    std::atomic<int64_t> consume_failed{0};
    std::atomic<int64_t> consume_rt_us{0};
  };
  Counters counters_;
  Mutex stats_mu_;
  int64_t stats_since_ms_ ABSL_GUARDED_BY(stats_mu_) = 0;
  int64_t start_ms_ = 0;

  const PushConsumerOptions options_;
  std::unique_ptr<ClientInstance> instance_;
  const std::string wire_group_;
  std::unique_ptr<OffsetStore> offsets_;
  std::unique_ptr<TaskPool> consume_pool_;
  MessageListener listener_;
  OrderlyMessageListener orderly_listener_;
  // Orderly: some assigned queue could not be locked; rebalance again soon.
  std::atomic<bool> lock_retry_{false};
  std::atomic<bool> running_{false};

  mutable Mutex mu_;
  std::map<std::string, protocol::SubscriptionData> subscriptions_ ABSL_GUARDED_BY(mu_);
  std::map<MessageQueue, std::shared_ptr<ProcessQueue>> queues_ ABSL_GUARDED_BY(mu_);

  Mutex service_mu_;
  CondVar service_cv_;
  bool rebalance_requested_ ABSL_GUARDED_BY(service_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(service_mu_) = false;
  std::thread service_;
};

}  // namespace tern::client
