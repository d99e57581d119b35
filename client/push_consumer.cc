#include "client/push_consumer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "client/allocate.h"
#include "client/offset_api.h"
#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/filter/sql_parser.h"

namespace tern::client {

namespace {

constexpr std::string_view kRetryPrefix = "%RETRY%";

std::string_view ConsumeFromName(ConsumeFrom c) {
  switch (c) {
    case ConsumeFrom::kLastOffset:
      return "CONSUME_FROM_LAST_OFFSET";
    case ConsumeFrom::kFirstOffset:
      return "CONSUME_FROM_FIRST_OFFSET";
    case ConsumeFrom::kTimestamp:
      return "CONSUME_FROM_TIMESTAMP";
  }
  return "CONSUME_FROM_LAST_OFFSET";
}

std::string DefaultOffsetsDir() {
  const char* home = std::getenv("HOME");
  return fmt::format("{}/.rocketmq_offsets", home != nullptr && *home != '\0' ? home : "/tmp");
}

}  // namespace

PushConsumer::PushConsumer(ClientConfig config, PushConsumerOptions options)
    : options_(std::move(options)),
      instance_(std::make_unique<ClientInstance>(std::move(config))),
      wire_group_(instance_->Wrap(options_.group)) {}

PushConsumer::~PushConsumer() { Shutdown(); }

absl::Status PushConsumer::Subscribe(const std::string& topic, const std::string& expression,
                                     ExpressionType type) {
  if (running_.load()) return absl::FailedPreconditionError("subscribe before Start()");
  if (type == ExpressionType::kSql92) {
    if (absl::StatusOr<filter::SqlExpression> e = filter::ParseSql(expression); !e.ok()) {
      return e.status();
    }
  }
  const std::string wire = instance_->Wrap(topic);
  absl::StatusOr<protocol::SubscriptionData> sub = protocol::BuildSubscription(
      wire, expression, type == ExpressionType::kSql92 ? "SQL92" : "TAG", NowMillis());
  if (!sub.ok()) return sub.status();
  MutexLock lock(&mu_);
  subscriptions_[wire] = *std::move(sub);
  return absl::OkStatus();
}

void PushConsumer::RegisterListener(MessageListener listener) { listener_ = std::move(listener); }

void PushConsumer::RegisterOrderlyListener(OrderlyMessageListener listener) {
  orderly_listener_ = std::move(listener);
}

std::vector<protocol::SubscriptionData> PushConsumer::WireSubscriptions() const {
  std::vector<protocol::SubscriptionData> out;
  MutexLock lock(&mu_);
  for (const auto& [topic, sub] : subscriptions_) out.push_back(sub);
  return out;
}

absl::Status PushConsumer::Start() {
  if (options_.group.empty()) return absl::InvalidArgumentError("consumer group is empty");
  if (!listener_ && !orderly_listener_) {
    return absl::FailedPreconditionError("no message listener registered");
  }
  if (listener_ && orderly_listener_) {
    return absl::FailedPreconditionError("register a concurrent or an orderly listener, not both");
  }
  {
    MutexLock lock(&mu_);
    if (subscriptions_.empty()) return absl::FailedPreconditionError("no subscription");
    if (options_.model == MessageModel::kClustering) {
      const std::string retry = std::string(kRetryPrefix) + wire_group_;
      subscriptions_[retry] = *protocol::BuildSubscription(retry, "*", "TAG", NowMillis());
    }
  }
  if (absl::Status s = instance_->Start(); !s.ok()) return s;
  if (options_.model == MessageModel::kClustering) {
    offsets_ = std::make_unique<RemoteOffsetStore>(instance_.get(), wire_group_);
  } else {
    // Keyed by ip@instanceName (not the per-process client id), so a restart finds it.
    offsets_ = std::make_unique<LocalOffsetStore>(
        options_.offsets_dir.empty() ? DefaultOffsetsDir() : options_.offsets_dir,
        instance_->stable_id(), wire_group_);
  }
  if (absl::Status s = offsets_->Load(); !s.ok()) {
    instance_->Shutdown();
    return s;
  }
  consume_pool_ = std::make_unique<TaskPool>(options_.consume_threads, "tern-consume");
  for (const protocol::SubscriptionData& sub : WireSubscriptions()) {
    if (absl::StatusOr<std::shared_ptr<const TopicRoute>> r = instance_->Route(sub.topic);
        !r.ok() && !sub.topic.starts_with(kRetryPrefix)) {
      spdlog::warn("consumer {}: no route for {} yet: {}", options_.group, sub.topic,
                   MessageOf(r.status()));
    }
  }
  auto reg = std::make_shared<ConsumerRegistration>();
  reg->group = wire_group_;
  reg->consume_type = "CONSUME_PASSIVELY";
  reg->message_model = options_.model == MessageModel::kClustering ? "CLUSTERING" : "BROADCASTING";
  reg->consume_from_where = std::string(ConsumeFromName(options_.consume_from));
  reg->subscriptions = [this] { return WireSubscriptions(); };
  reg->on_ids_changed = [this] { RequestRebalance(); };
  reg->running_info = [this] { return RunningInfoJson(); };
  reg->reset_offsets = [this](const std::string& topic,
                              const std::map<MessageQueue, int64_t>& offsets) {
    ResetOffsets(topic, offsets);
  };
  reg->offset_table = [this](const std::string& topic) { return offsets_->CloneTable(topic); };
  reg->consume_directly = [this](const MessageExt& msg, const std::string& broker) {
    return ConsumeDirectly(msg, broker);
  };
  start_ms_ = NowMillis();
  {
    MutexLock lock(&stats_mu_);
    stats_since_ms_ = start_ms_;
  }
  instance_->RegisterConsumer(reg);
  running_.store(true);
  instance_->SendHeartbeatToAllBrokers();
  RebalanceAll();
  service_ = std::thread([this] { RunService(); });
  return absl::OkStatus();
}

void PushConsumer::Shutdown() {
  if (!running_.exchange(false)) return;
  {
    MutexLock lock(&service_mu_);
    stopping_ = true;
    service_cv_.SignalAll();
  }
  if (service_.joinable()) service_.join();
  // Listener calls already running finish and record their offsets (their queues are not
  // dropped yet, so a batch the listener completed is not redelivered after a restart);
  // queued ones are discarded and redelivered later. No new pull starts (running_ is false).
  consume_pool_->Stop();
  {
    MutexLock lock(&mu_);
    for (auto& [q, pq] : queues_) pq->Drop();
  }
  PersistOffsets(/*sync=*/true);
  if (orderly() && options_.model == MessageModel::kClustering) {
    std::vector<MessageQueue> held;
    {
      MutexLock lock(&mu_);
      for (const auto& [q, pq] : queues_) held.push_back(q);
    }
    UnlockQueues(held);
  }
  instance_->UnregisterConsumer(wire_group_);
  instance_->Shutdown();
}

void PushConsumer::RequestRebalance() {
  MutexLock lock(&service_mu_);
  rebalance_requested_ = true;
  service_cv_.Signal();
}

std::vector<MessageQueue> PushConsumer::AssignedQueues() const {
  std::vector<MessageQueue> out;
  MutexLock lock(&mu_);
  for (const auto& [q, pq] : queues_) {
    MessageQueue user = q;
    user.topic = instance_->Unwrap(q.topic);
    out.push_back(std::move(user));
  }
  return out;
}

void PushConsumer::RunService() {
  SetThreadName("tern-rebalance");
  const bool locking = orderly() && options_.model == MessageModel::kClustering;
  auto next_rebalance = MonoClock::now() + options_.rebalance_interval;
  auto next_persist = MonoClock::now() + instance_->config().persist_consumer_offset_interval;
  auto next_lock = MonoClock::now() + options_.lock_interval;
  while (true) {
    bool rebalance = false;
    {
      MutexLock lock(&service_mu_);
      auto wake = std::min(next_rebalance, next_persist);
      if (locking) wake = std::min(wake, next_lock);
      if (lock_retry_.load()) {
        wake = std::min(wake, MonoClock::now() + options_.lock_retry_interval);
      }
      while (!stopping_ && !rebalance_requested_ && MonoClock::now() < wake) {
        service_cv_.WaitUntil(&service_mu_, wake);
      }
      if (stopping_) return;
      rebalance = rebalance_requested_ || MonoClock::now() >= next_rebalance || lock_retry_.load();
      rebalance_requested_ = false;
    }
    if (rebalance) {
      const bool retry_locks = lock_retry_.exchange(false);
      RebalanceAll();
      if (locking && retry_locks && !RenewLocks()) lock_retry_.store(true);
      next_rebalance = MonoClock::now() + options_.rebalance_interval;
    }
    if (locking && MonoClock::now() >= next_lock) {
      if (!RenewLocks()) lock_retry_.store(true);
      next_lock = MonoClock::now() + options_.lock_interval;
    }
    if (MonoClock::now() >= next_persist) {
      PersistOffsets(/*sync=*/false);
      next_persist = MonoClock::now() + instance_->config().persist_consumer_offset_interval;
    }
  }
}

void PushConsumer::RebalanceAll() {
  for (const protocol::SubscriptionData& sub : WireSubscriptions()) RebalanceTopic(sub);
}

void PushConsumer::RebalanceTopic(const protocol::SubscriptionData& sub) {
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route = instance_->Route(sub.topic);
  if (!route.ok()) {
    if (!sub.topic.starts_with(kRetryPrefix)) {
      spdlog::warn("rebalance {} of {}: {}", sub.topic, options_.group, MessageOf(route.status()));
    }
    return;
  }
  const std::vector<MessageQueue>& all = (*route)->subscribe_queues;
  if (options_.model == MessageModel::kBroadcasting) {
    ApplyAssignment(sub.topic, all);
    return;
  }
  absl::StatusOr<std::vector<std::string>> ids = instance_->ConsumerIds(sub.topic, wire_group_);
  if (!ids.ok()) {
    spdlog::warn("rebalance {} of {}: consumer ids: {}", sub.topic, options_.group,
                 MessageOf(ids.status()));
    return;
  }
  ApplyAssignment(sub.topic, AllocateAveragely(instance_->client_id(), all, *std::move(ids)));
}

void PushConsumer::ApplyAssignment(const std::string& topic,
                                   const std::vector<MessageQueue>& assigned) {
  const std::set<MessageQueue> wanted(assigned.begin(), assigned.end());
  std::vector<std::shared_ptr<ProcessQueue>> removed;
  std::vector<MessageQueue> added;
  {
    MutexLock lock(&mu_);
    for (auto it = queues_.begin(); it != queues_.end();) {
      if (it->first.topic == topic && wanted.count(it->first) == 0) {
        removed.push_back(it->second);
        it = queues_.erase(it);
      } else {
        ++it;
      }
    }
    for (const MessageQueue& q : assigned) {
      if (queues_.count(q) == 0) added.push_back(q);
    }
  }
  const bool locking = orderly() && options_.model == MessageModel::kClustering;
  for (const std::shared_ptr<ProcessQueue>& pq : removed) {
    pq->Drop();
    if (locking) {
      ReleaseOrderly(pq);
    } else {
      offsets_->Persist({pq->queue()}, /*sync=*/true);
    }
    if (options_.model == MessageModel::kClustering) offsets_->Remove(pq->queue());
    spdlog::info("consumer {} ({}): released {}", options_.group, instance_->client_id(),
                 pq->queue().ToString());
  }
  if (locking && !added.empty()) {
    // Orderly: a queue is consumed only once this member holds its broker lock.
    const std::set<MessageQueue> granted = LockQueues(added);
    if (granted.size() < added.size()) lock_retry_.store(true);
    std::erase_if(added, [&](const MessageQueue& q) { return granted.count(q) == 0; });
  }
  for (const MessageQueue& q : added) {
    // Clustering: the broker's offset wins over a stale cached one. Broadcasting: the local
    // file's offset is the one to resume from.
    if (options_.model == MessageModel::kClustering) offsets_->Remove(q);
    absl::StatusOr<int64_t> from = PullFromWhere(q);
    if (!from.ok()) {
      spdlog::warn("consumer {}: cannot start {}: {}", options_.group, q.ToString(),
                   MessageOf(from.status()));
      continue;  // retried at the next rebalance
    }
    auto pq = std::make_shared<ProcessQueue>(q, *from);
    if (locking) pq->SetLocked(true, NowMillis());
    {
      MutexLock lock(&mu_);
      if (!queues_.emplace(q, pq).second) continue;
    }
    spdlog::info("consumer {} ({}): took {} from offset {}", options_.group, instance_->client_id(),
                 q.ToString(), *from);
    SchedulePull(pq, std::chrono::milliseconds(0));
  }
}

absl::StatusOr<int64_t> PushConsumer::PullFromWhere(const MessageQueue& queue) {
  absl::StatusOr<int64_t> stored = offsets_->Read(queue, /*from_store=*/true);
  if (stored.ok() && *stored >= 0) return *stored;
  if (!stored.ok() && stored.status().code() != absl::StatusCode::kNotFound) {
    return stored.status();
  }
  const bool retry = queue.topic.starts_with(kRetryPrefix);
  switch (options_.consume_from) {
    case ConsumeFrom::kFirstOffset:
      return 0;
    case ConsumeFrom::kLastOffset:
      if (retry) return 0;
      return MaxOffset(*instance_, queue);
    case ConsumeFrom::kTimestamp: {
      if (retry) return MaxOffset(*instance_, queue);
      const int64_t ts = options_.consume_timestamp_ms > 0 ? options_.consume_timestamp_ms
                                                           : NowMillis() - 30 * 60 * 1000;
      return SearchOffset(*instance_, queue, ts);
    }
  }
  return 0;
}

void PushConsumer::ResetOffsets(const std::string& topic,
                                const std::map<MessageQueue, int64_t>& offsets) {
  if (!running_.load()) return;
  std::vector<std::shared_ptr<ProcessQueue>> dropped;
  {
    MutexLock lock(&mu_);
    for (auto it = queues_.begin(); it != queues_.end();) {
      if (it->first.topic == topic) {
        it->second->Drop();  // in-flight pulls and listener results of it are discarded
        dropped.push_back(it->second);
        it = queues_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const std::shared_ptr<ProcessQueue>& pq : dropped) {
    // A listener call already running finishes first (orderly), so its commit can't land
    // after the reset.
    MutexLock consuming(&pq->consume_mutex());
  }
  for (const auto& [q, offset] : offsets) {
    if (q.topic != topic) continue;
    offsets_->Update(q, offset, /*increase_only=*/false);
    if (options_.model == MessageModel::kClustering) {
      if (absl::Status s = UpdateConsumerOffset(*instance_, wire_group_, q, offset, false);
          !s.ok()) {
        spdlog::warn("consumer {}: resetting {} to {}: {}", options_.group, q.ToString(), offset,
                     MessageOf(s));
      }
    }
  }
  if (options_.model == MessageModel::kBroadcasting) offsets_->Persist({});
  spdlog::info("consumer {}: offsets of {} reset on the broker's request ({} queues)",
               options_.group, topic, offsets.size());
  RequestRebalance();  // takes the queues again, from the new offsets
}

void PushConsumer::PersistOffsets(bool sync) {
  std::set<MessageQueue> mine;
  {
    MutexLock lock(&mu_);
    for (const auto& [q, pq] : queues_) mine.insert(q);
  }
  if (!mine.empty()) offsets_->Persist(mine, sync);
}

}  // namespace tern::client
