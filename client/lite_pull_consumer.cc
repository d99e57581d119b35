// LitePullConsumer (lite_pull_consumer.h): lifecycle, assignment, offsets and the service
// thread (heartbeat, rebalance, start offsets, auto commit). Pulls, Poll(), Seek() and
// Pause()/Resume() are in lite_pull_consumer_pull.cc.
#include "client/lite_pull_consumer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "client/allocate.h"
#include "client/offset_api.h"
#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"

namespace tern::client {

namespace {

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

absl::Status NotRunning() {
  return absl::FailedPreconditionError("the lite pull consumer is not running: call Start() first");
}

}  // namespace

bool LitePullConsumer::EnterCall() {
  MutexLock lock(&gate_mu_);
  if (!gate_open_) return false;
  ++active_calls_;
  return true;
}

void LitePullConsumer::ExitCall() {
  MutexLock lock(&gate_mu_);
  if (--active_calls_ == 0) gate_cv_.SignalAll();
}

LitePullConsumer::LitePullConsumer(ClientConfig config, LitePullConsumerOptions options)
    : options_(std::move(options)),
      instance_(std::make_unique<ClientInstance>(std::move(config))),
      wire_group_(instance_->Wrap(options_.group)) {}

LitePullConsumer::~LitePullConsumer() { Shutdown(); }

MessageQueue LitePullConsumer::ToWire(const MessageQueue& queue) const {
  MessageQueue q = queue;
  q.topic = instance_->Wrap(q.topic);
  return q;
}

MessageQueue LitePullConsumer::ToUser(const MessageQueue& queue) const {
  MessageQueue q = queue;
  q.topic = instance_->Unwrap(q.topic);
  return q;
}

absl::Status LitePullConsumer::Subscribe(const std::string& topic, const std::string& expression) {
  if (topic.empty()) return absl::InvalidArgumentError("topic is empty");
  const std::string wire = instance_->Wrap(topic);
  absl::StatusOr<protocol::SubscriptionData> sub =
      protocol::BuildSubscription(wire, expression, "TAG", NowMillis());
  if (!sub.ok()) return sub.status();
  auto pull = std::make_shared<protocol::SubscriptionData>(*sub);
  pull->sub_version = 0;
  bool running;
  {
    MutexLock lock(&mu_);
    if (mode_ == Mode::kAssign) {
      return absl::FailedPreconditionError("Subscribe() and Assign() are mutually exclusive");
    }
    if (state_ == State::kStopped) return NotRunning();
    mode_ = Mode::kSubscribe;
    subscriptions_[wire] = TopicSubscription{*std::move(sub), std::move(pull)};
    running = state_ == State::kRunning;
  }
  if (running) RequestService(/*heartbeat=*/true, /*rebalance=*/true, /*resolve=*/false);
  return absl::OkStatus();
}

absl::Status LitePullConsumer::Unsubscribe(const std::string& topic) {
  const std::string wire = instance_->Wrap(topic);
  {
    MutexLock lock(&mu_);
    if (mode_ != Mode::kSubscribe || subscriptions_.erase(wire) == 0) {
      return absl::FailedPreconditionError(fmt::format("topic {} is not subscribed", topic));
    }
  }
  ApplyAssignment(wire, {});
  RequestService(/*heartbeat=*/true, /*rebalance=*/false, /*resolve=*/false);
  return absl::OkStatus();
}

absl::Status LitePullConsumer::Assign(const std::vector<MessageQueue>& queues) {
  if (queues.empty()) return absl::InvalidArgumentError("no queue to assign");
  std::set<MessageQueue> wanted;
  for (const MessageQueue& q : queues) {
    if (q.topic.empty() || q.broker_name.empty() || q.queue_id < 0) {
      return absl::InvalidArgumentError(fmt::format("invalid queue {}", q.ToString()));
    }
    wanted.insert(ToWire(q));
  }
  bool running;
  {
    MutexLock lock(&mu_);
    if (mode_ == Mode::kSubscribe) {
      return absl::FailedPreconditionError("Subscribe() and Assign() are mutually exclusive");
    }
    if (state_ == State::kStopped) return NotRunning();
    mode_ = Mode::kAssign;
    std::map<std::string, TopicSubscription> subs;
    for (const MessageQueue& q : wanted) {
      if (subs.count(q.topic) > 0) continue;
      auto it = subscriptions_.find(q.topic);
      if (it != subscriptions_.end()) {
        subs.insert(*it);
        continue;
      }
      protocol::SubscriptionData all = *protocol::BuildSubscription(q.topic, "*", "TAG", 0);
      subs[q.topic] =
          TopicSubscription{all, std::make_shared<const protocol::SubscriptionData>(all)};
    }
    subscriptions_ = std::move(subs);
    running = state_ == State::kRunning;
  }
  ApplyAssignment(std::nullopt, wanted);
  if (running) RequestService(/*heartbeat=*/true, /*rebalance=*/false, /*resolve=*/true);
  return absl::OkStatus();
}

std::vector<protocol::SubscriptionData> LitePullConsumer::HeartbeatSubscriptions() const {
  std::vector<protocol::SubscriptionData> out;
  MutexLock lock(&mu_);
  if (mode_ != Mode::kSubscribe) return out;  // assigned queues are not announced (as Java)
  for (const auto& [topic, sub] : subscriptions_) out.push_back(sub.heartbeat);
  return out;
}

absl::Status LitePullConsumer::Start() {
  if (options_.group.empty()) return absl::InvalidArgumentError("consumer group is empty");
  if (options_.pull_batch_size <= 0) {
    return absl::InvalidArgumentError("pull_batch_size must be positive");
  }
  std::vector<std::string> topics;
  {
    MutexLock lock(&mu_);
    if (state_ == State::kRunning) return absl::FailedPreconditionError("already started");
    if (state_ == State::kStopped) return absl::FailedPreconditionError("already shut down");
    for (const auto& [topic, sub] : subscriptions_) topics.push_back(topic);
  }
  if (absl::Status s = instance_->Start(); !s.ok()) return s;
  if (options_.model == MessageModel::kClustering) {
    offsets_ = std::make_unique<RemoteOffsetStore>(instance_.get(), wire_group_);
  } else {
    // Keyed by ip@instance_name, not by the unique client id, so that a restarted consumer
    // finds its file (Java keeps instanceName "DEFAULT" for broadcasting consumers).
    offsets_ = std::make_unique<LocalOffsetStore>(
        options_.offsets_dir.empty() ? DefaultOffsetsDir() : options_.offsets_dir,
        instance_->stable_id(), wire_group_);
  }
  if (absl::Status s = offsets_->Load(); !s.ok()) {
    instance_->Shutdown();
    return s;
  }
  for (const std::string& topic : topics) {
    if (absl::StatusOr<std::shared_ptr<const TopicRoute>> r = instance_->Route(topic); !r.ok()) {
      spdlog::warn("lite pull consumer {}: no route for {} yet: {}", options_.group, topic,
                   MessageOf(r.status()));
    }
  }
  auto reg = std::make_shared<ConsumerRegistration>();
  reg->group = wire_group_;
  reg->consume_type = "CONSUME_ACTIVELY";
  reg->message_model = options_.model == MessageModel::kClustering ? "CLUSTERING" : "BROADCASTING";
  reg->consume_from_where = std::string(ConsumeFromName(options_.consume_from));
  reg->subscriptions = [this] { return HeartbeatSubscriptions(); };
  reg->on_ids_changed = [this] { RequestRebalance(); };
  reg->offset_table = [this](const std::string& topic) { return offsets_->CloneTable(topic); };
  instance_->RegisterConsumer(reg);
  {
    MutexLock lock(&gate_mu_);
    gate_open_ = true;
  }
  {
    MutexLock lock(&mu_);
    state_ = State::kRunning;
  }
  instance_->SendHeartbeatToAllBrokers();
  RequestService(/*heartbeat=*/false, /*rebalance=*/true, /*resolve=*/true);
  service_ = std::thread([this] { RunService(); });
  return absl::OkStatus();
}

void LitePullConsumer::Shutdown() {
  {
    MutexLock lock(&mu_);
    if (state_ != State::kRunning) return;
    state_ = State::kStopped;
    poll_cv_.SignalAll();
  }
  {
    MutexLock lock(&service_mu_);
    stopping_ = true;
    service_cv_.SignalAll();
  }
  if (service_.joinable()) service_.join();
  {
    MutexLock lock(&gate_mu_);
    gate_open_ = false;
    while (active_calls_ > 0) gate_cv_.Wait(&gate_mu_);
  }
  // No pull callback or API call uses the instance from here on.
  std::vector<std::pair<MessageQueue, int64_t>> final_offsets;
  {
    MutexLock lock(&mu_);
    for (auto& [q, qs] : queues_) {
      DropLocked(*qs);
      if (options_.auto_commit && qs->consume_offset >= 0) {
        final_offsets.emplace_back(q, qs->consume_offset);
      }
    }
    queues_.clear();
    buffered_ = 0;
  }
  if (absl::Status s = CommitOffsets(final_offsets, /*sync=*/true); !s.ok()) {
    spdlog::warn("lite pull consumer {}: final commit: {}", options_.group, MessageOf(s));
  }
  instance_->UnregisterConsumer(wire_group_);
  instance_->Shutdown();
}

absl::StatusOr<std::vector<MessageQueue>> LitePullConsumer::FetchMessageQueues(
    const std::string& topic) {
  CallScope scope(this);
  if (!scope.ok()) return NotRunning();
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route =
      instance_->Route(instance_->Wrap(topic), /*refresh=*/true);
  if (!route.ok()) return route.status();
  std::vector<MessageQueue> out;
  for (const MessageQueue& q : (*route)->subscribe_queues) out.push_back(ToUser(q));
  return out;
}

std::vector<MessageQueue> LitePullConsumer::Assignment() const {
  std::vector<MessageQueue> out;
  MutexLock lock(&mu_);
  for (const auto& [q, qs] : queues_) out.push_back(ToUser(q));
  return out;
}

absl::Status LitePullConsumer::CommitSync() {
  CallScope scope(this);
  if (!scope.ok()) return NotRunning();
  std::vector<std::pair<MessageQueue, int64_t>> offsets;
  {
    MutexLock lock(&mu_);
    for (auto& [q, qs] : queues_) {
      if (qs->consume_offset < 0) continue;
      offsets.emplace_back(q, qs->consume_offset);
      // Auto commit must not move the group back to an older offset afterwards.
      qs->acked_offset = qs->consume_offset;
      qs->auto_committed = qs->consume_offset;
    }
  }
  return CommitOffsets(offsets, /*sync=*/true);
}

absl::StatusOr<int64_t> LitePullConsumer::Committed(const MessageQueue& queue) {
  CallScope scope(this);
  if (!scope.ok()) return NotRunning();
  return offsets_->Read(ToWire(queue), /*from_store=*/false);
}

absl::Status LitePullConsumer::CommitOffsets(
    const std::vector<std::pair<MessageQueue, int64_t>>& offsets, bool sync) {
  if (offsets.empty()) return absl::OkStatus();
  std::set<MessageQueue> queues;
  for (const auto& [q, offset] : offsets) {
    offsets_->Update(q, offset, /*increase_only=*/false);
    queues.insert(q);
  }
  if (!sync || options_.model == MessageModel::kBroadcasting) {
    offsets_->Persist(queues);  // oneway (clustering) or the offsets file (broadcasting)
    return absl::OkStatus();
  }
  absl::Status first;
  for (const auto& [q, offset] : offsets) {
    absl::Status s = UpdateConsumerOffset(*instance_, wire_group_, q, offset, /*oneway=*/false);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

void LitePullConsumer::ClearBufferLocked(QueueState& qs) {
  buffered_ -= qs.buffer.size();
  qs.buffer.clear();
  qs.buffer_bytes = 0;
}

int64_t LitePullConsumer::DropLocked(QueueState& qs) {
  qs.dropped = true;
  ++qs.epoch;
  qs.pulling = false;
  ClearBufferLocked(qs);
  return options_.auto_commit ? qs.acked_offset : -1;
}

void LitePullConsumer::ApplyAssignment(const std::optional<std::string>& topic,
                                       const std::set<MessageQueue>& wanted) {
  std::vector<std::pair<MessageQueue, int64_t>> released;
  std::vector<MessageQueue> added;
  CallScope scope(this);  // released queues commit through the instance
  bool running;
  {
    MutexLock lock(&mu_);
    running = state_ == State::kRunning && scope.ok();
    for (auto it = queues_.begin(); it != queues_.end();) {
      if ((!topic || it->first.topic == *topic) && wanted.count(it->first) == 0) {
        released.emplace_back(it->first, DropLocked(*it->second));
        it = queues_.erase(it);
      } else {
        ++it;
      }
    }
    for (const MessageQueue& q : wanted) {
      if (queues_.count(q) > 0) continue;
      queues_.emplace(q, std::make_shared<QueueState>(q));
      added.push_back(q);
    }
  }
  for (const auto& [q, offset] : released) {
    spdlog::info("lite pull consumer {} ({}): released {}", options_.group, instance_->client_id(),
                 q.ToString());
    if (!running) continue;
    // Synchronously, so that the next owner reads it (as Java hands a queue over).
    if (offset >= 0) {
      if (absl::Status s = CommitOffsets({{q, offset}}, /*sync=*/true); !s.ok()) {
        spdlog::warn("lite pull consumer {}: committing released {}: {}", options_.group,
                     q.ToString(), MessageOf(s));
      }
    }
    // A later owner reads the group's offset from the broker again; the offsets file keeps it.
    if (options_.model == MessageModel::kClustering) offsets_->Remove(q);
  }
  for (const MessageQueue& q : added) {
    spdlog::info("lite pull consumer {} ({}): took {}", options_.group, instance_->client_id(),
                 q.ToString());
  }
  if (!added.empty() && running) RequestService(false, false, /*resolve=*/true);
}

void LitePullConsumer::RequestRebalance() {
  RequestService(/*heartbeat=*/false, /*rebalance=*/true, /*resolve=*/false);
}

void LitePullConsumer::RequestService(bool heartbeat, bool rebalance, bool resolve) {
  MutexLock lock(&service_mu_);
  heartbeat_requested_ |= heartbeat;
  rebalance_requested_ |= rebalance;
  resolve_requested_ |= resolve;
  service_cv_.Signal();
}

void LitePullConsumer::RunService() {
  SetThreadName("tern-litepull");
  auto next_rebalance = MonoClock::now() + options_.rebalance_interval;
  auto next_commit = MonoClock::now() + options_.auto_commit_interval;
  auto next_resolve = MonoClock::time_point::max();
  while (true) {
    bool heartbeat = false;
    bool rebalance = false;
    {
      MutexLock lock(&service_mu_);
      while (!stopping_ && !heartbeat_requested_ && !rebalance_requested_ && !resolve_requested_) {
        auto wake = std::min(next_rebalance, next_resolve);
        if (options_.auto_commit) wake = std::min(wake, next_commit);
        if (MonoClock::now() >= wake) break;
        service_cv_.WaitUntil(&service_mu_, wake);
      }
      if (stopping_) return;
      heartbeat = std::exchange(heartbeat_requested_, false);
      rebalance = std::exchange(rebalance_requested_, false);
      resolve_requested_ = false;
    }
    if (heartbeat) RefreshRoutesAndHeartbeat();
    if (rebalance || MonoClock::now() >= next_rebalance) {
      RebalanceAll();
      next_rebalance = MonoClock::now() + options_.rebalance_interval;
    }
    next_resolve = ResolveOffsets() ? MonoClock::time_point::max()
                                    : MonoClock::now() + options_.pull_error_delay;
    if (options_.auto_commit && MonoClock::now() >= next_commit) {
      AutoCommit();
      next_commit = MonoClock::now() + options_.auto_commit_interval;
    }
  }
}

void LitePullConsumer::RefreshRoutesAndHeartbeat() {
  std::vector<std::string> topics;
  {
    MutexLock lock(&mu_);
    for (const auto& [topic, sub] : subscriptions_) topics.push_back(topic);
  }
  for (const std::string& topic : topics) (void)instance_->Route(topic);
  instance_->SendHeartbeatToAllBrokers();
}

void LitePullConsumer::RebalanceAll() {
  std::vector<std::string> topics;
  {
    MutexLock lock(&mu_);
    if (mode_ != Mode::kSubscribe) return;
    for (const auto& [topic, sub] : subscriptions_) topics.push_back(topic);
  }
  for (const std::string& topic : topics) RebalanceTopic(topic);
}

void LitePullConsumer::RebalanceTopic(const std::string& topic) {
  absl::StatusOr<std::shared_ptr<const TopicRoute>> route = instance_->Route(topic);
  if (!route.ok()) {
    spdlog::warn("rebalance {} of {}: {}", topic, options_.group, MessageOf(route.status()));
    return;
  }
  const std::vector<MessageQueue>& all = (*route)->subscribe_queues;
  std::vector<MessageQueue> mine = all;
  if (options_.model == MessageModel::kClustering) {
    absl::StatusOr<std::vector<std::string>> ids = instance_->ConsumerIds(topic, wire_group_);
    if (!ids.ok()) {
      spdlog::warn("rebalance {} of {}: consumer ids: {}", topic, options_.group,
                   MessageOf(ids.status()));
      return;
    }
    mine = AllocateAveragely(instance_->client_id(), all, *std::move(ids));
  }
  {
    MutexLock lock(&mu_);  // unsubscribed meanwhile: keep nothing
    if (subscriptions_.count(topic) == 0) mine.clear();
  }
  ApplyAssignment(topic, std::set<MessageQueue>(mine.begin(), mine.end()));
}

bool LitePullConsumer::ResolveOffsets() {
  std::vector<std::pair<std::shared_ptr<QueueState>, uint64_t>> todo;
  {
    MutexLock lock(&mu_);
    for (const auto& [q, qs] : queues_) {
      if (!qs->dropped && qs->pull_offset < 0) todo.emplace_back(qs, qs->epoch);
    }
  }
  bool all_ok = true;
  std::vector<PullTicket> tickets;
  for (const auto& [qs, epoch] : todo) {
    absl::StatusOr<int64_t> from = StartOffset(qs->queue);
    if (!from.ok()) {
      spdlog::warn("lite pull consumer {}: cannot start {}: {}", options_.group,
                   qs->queue.ToString(), MessageOf(from.status()));
      all_ok = false;
      continue;
    }
    MutexLock lock(&mu_);
    if (qs->dropped || qs->epoch != epoch || qs->pull_offset >= 0) continue;  // Seek() won
    qs->pull_offset = *from;
    spdlog::info("lite pull consumer {}: {} starts at offset {}", options_.group,
                 qs->queue.ToString(), *from);
    CollectPullLocked(qs, &tickets);
  }
  IssuePulls(std::move(tickets));
  return all_ok;
}

absl::StatusOr<int64_t> LitePullConsumer::StartOffset(const MessageQueue& queue) {
  absl::StatusOr<int64_t> stored = offsets_->Read(queue, /*from_store=*/true);
  if (stored.ok() && *stored >= 0) return *stored;
  if (!stored.ok() && stored.status().code() != absl::StatusCode::kNotFound) {
    return stored.status();
  }
  switch (options_.consume_from) {
    case ConsumeFrom::kFirstOffset:
      return 0;
    case ConsumeFrom::kLastOffset:
      return MaxOffset(*instance_, queue);
    case ConsumeFrom::kTimestamp: {
      const int64_t ts = options_.consume_timestamp_ms > 0 ? options_.consume_timestamp_ms
                                                           : NowMillis() - 30 * 60 * 1000;
      return SearchOffset(*instance_, queue, ts);
    }
  }
  return 0;
}

void LitePullConsumer::AutoCommit() {
  std::vector<std::pair<MessageQueue, int64_t>> offsets;
  {
    MutexLock lock(&mu_);
    for (auto& [q, qs] : queues_) {
      if (qs->acked_offset < 0 || qs->acked_offset == qs->auto_committed) continue;
      offsets.emplace_back(q, qs->acked_offset);
      qs->auto_committed = qs->acked_offset;
    }
  }
  (void)CommitOffsets(offsets, /*sync=*/false);
}

}  // namespace tern::client
