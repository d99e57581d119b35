// ORDERLY consumption of PushConsumer (push_consumer.h, protocol.md 8): queue locks on the
// broker (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ) and one consume task per queue at a time.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "client/offset_api.h"
#include "client/push_consumer.h"
#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/json_writer.h"
#include "server/remoting/codes.h"

namespace tern::client {

namespace {

constexpr std::chrono::milliseconds kLockTimeout{1000};
constexpr std::chrono::milliseconds kNotLockedRetry{100};
// A consume task hands the thread back after this many listener calls (fairness).
constexpr int kBatchesPerTask = 64;

std::string LockBody(const std::string& group, const std::string& client_id,
                     const std::vector<MessageQueue>& queues) {
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("clientId");
  w.String(client_id);
  w.Key("consumerGroup");
  w.String(group);
  w.Key("mqSet");
  w.BeginArray();
  for (const MessageQueue& q : queues) {
    w.BeginObject();
    w.Key("brokerName");
    w.String(q.broker_name);
    w.Key("queueId");
    w.Int(q.queue_id);
    w.Key("topic");
    w.String(q.topic);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::set<MessageQueue>> ParseLockResponse(std::string_view body) {
  namespace md = engine::metadata;
  rapidjson::Document doc;
  if (absl::Status s = md::ParseFastjson(body, doc); !s.ok()) return s;
  std::set<MessageQueue> out;
  if (!doc.IsObject()) return absl::InvalidArgumentError("lock response is not an object");
  const rapidjson::Value* set = md::FindMember(doc, "lockOKMQSet");
  if (set == nullptr || !set->IsArray()) return out;
  for (const rapidjson::Value& v : set->GetArray()) {
    if (!v.IsObject()) continue;
    const rapidjson::Value* t = md::FindMember(v, "topic");
    const rapidjson::Value* b = md::FindMember(v, "brokerName");
    const rapidjson::Value* i = md::FindMember(v, "queueId");
    if (t == nullptr || b == nullptr || i == nullptr) continue;
    absl::StatusOr<std::string> topic = md::ToString(*t, "topic");
    absl::StatusOr<std::string> broker = md::ToString(*b, "brokerName");
    absl::StatusOr<int32_t> id = md::ToInt32(*i, "queueId");
    if (topic.ok() && broker.ok() && id.ok()) out.insert({*topic, *broker, *id});
  }
  return out;
}

}  // namespace

std::set<MessageQueue> PushConsumer::LockQueues(const std::vector<MessageQueue>& queues) {
  std::map<std::string, std::vector<MessageQueue>> by_broker;
  for (const MessageQueue& q : queues) by_broker[q.broker_name].push_back(q);
  std::set<MessageQueue> granted;
  for (const auto& [broker, qs] : by_broker) {
    absl::StatusOr<std::string> addr = BrokerAddrOf(*instance_, qs.front());
    if (!addr.ok()) continue;
    remoting::RemotingCommand cmd =
        remoting::RemotingCommand::Request(remoting::request::kLockBatchMq, 0);
    absl::StatusOr<net::Response> r = instance_->InvokeSync(
        *addr, std::move(cmd), LockBody(wire_group_, instance_->client_id(), qs), kLockTimeout);
    if (!r.ok() || r->command.code != remoting::response::kSuccess) {
      spdlog::warn("consumer {}: locking queues on {}: {}", options_.group, broker,
                   r.ok() ? r->command.remark.value_or("refused") : MessageOf(r.status()));
      continue;
    }
    absl::StatusOr<std::set<MessageQueue>> ok = ParseLockResponse(r->body);
    if (!ok.ok()) {
      spdlog::warn("consumer {}: lock response from {}: {}", options_.group, broker,
                   MessageOf(ok.status()));
      continue;
    }
    granted.insert(ok->begin(), ok->end());
  }
  return granted;
}

void PushConsumer::UnlockQueues(const std::vector<MessageQueue>& queues) {
  std::map<std::string, std::vector<MessageQueue>> by_broker;
  for (const MessageQueue& q : queues) by_broker[q.broker_name].push_back(q);
  for (const auto& [broker, qs] : by_broker) {
    absl::StatusOr<std::string> addr = BrokerAddrOf(*instance_, qs.front());
    if (!addr.ok()) continue;
    remoting::RemotingCommand cmd =
        remoting::RemotingCommand::Request(remoting::request::kUnlockBatchMq, 0);
    (void)instance_->InvokeSync(*addr, std::move(cmd),
                                LockBody(wire_group_, instance_->client_id(), qs), kLockTimeout);
  }
}

bool PushConsumer::RenewLocks() {
  std::vector<std::shared_ptr<ProcessQueue>> pqs;
  std::vector<MessageQueue> queues;
  {
    MutexLock lock(&mu_);
    for (const auto& [q, pq] : queues_) {
      pqs.push_back(pq);
      queues.push_back(q);
    }
  }
  if (queues.empty()) return true;
  const std::set<MessageQueue> granted = LockQueues(queues);
  const int64_t now = NowMillis();
  bool all = true;
  for (const std::shared_ptr<ProcessQueue>& pq : pqs) {
    const bool ok = granted.count(pq->queue()) > 0;
    pq->SetLocked(ok, now);
    all = all && ok;
  }
  return all;
}

void PushConsumer::ReleaseOrderly(const std::shared_ptr<ProcessQueue>& pq) {
  {
    // The running listener call (if any) finishes first; the queue is dropped, so no new one
    // starts.
    MutexLock consuming(&pq->consume_mutex());
  }
  offsets_->Persist({pq->queue()}, /*sync=*/true);
  UnlockQueues({pq->queue()});
}

void PushConsumer::ScheduleOrderly(std::shared_ptr<ProcessQueue> pq,
                                   std::chrono::milliseconds delay) {
  if (delay.count() == 0) {
    if (pq->orderly_scheduled().exchange(true)) return;  // a task is already on it
    consume_pool_->Submit([this, pq] { ConsumeOrderly(pq); });
    return;
  }
  // A delayed re-run of a task that keeps its "scheduled" mark.
  instance_->RunAfter(delay, [this, pq] {
    if (!running_.load() || !consume_pool_->Submit([this, pq] { ConsumeOrderly(pq); })) {
      pq->orderly_scheduled().store(false);
    }
  });
}

void PushConsumer::ConsumeOrderly(std::shared_ptr<ProcessQueue> pq) {
  const bool locking = options_.model == MessageModel::kClustering;
  MutexLock consuming(&pq->consume_mutex());
  for (int round = 0; round < kBatchesPerTask; ++round) {
    if (pq->dropped() || !running_.load()) {
      pq->orderly_scheduled().store(false);
      return;
    }
    if (locking &&
        (!pq->locked() || NowMillis() - pq->last_lock_ms() > options_.lock_max_live.count())) {
      lock_retry_.store(true);  // the rebalance thread re-locks within lock_retry_interval
      ScheduleOrderly(pq, kNotLockedRetry);
      return;
    }
    std::vector<MessageExt> msgs = pq->TakeOrderly(std::max<size_t>(1, options_.consume_batch_max));
    if (msgs.empty()) {
      pq->orderly_scheduled().store(false);
      // Messages put after the check above and before the flag was cleared.
      if (pq->HasPendingOrderly() && !pq->orderly_scheduled().exchange(true)) continue;
      return;
    }
    ConsumeOrderlyContext ctx;
    ctx.queue = pq->queue();
    ctx.queue.topic = instance_->Unwrap(ctx.queue.topic);
    ConsumeOrderlyResult result = ConsumeOrderlyResult::kSuspendCurrentQueueAMoment;
    const auto started = MonoClock::now();
    pq->set_last_consume_ms(NowMillis());
    try {
      result = orderly_listener_(msgs, ctx);
    } catch (const std::exception& e) {
      spdlog::warn("consumer {}: orderly listener threw: {}", options_.group, e.what());
    } catch (...) {
      spdlog::warn("consumer {}: orderly listener threw", options_.group);
    }
    counters_.consume_rt_us.fetch_add(
        std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now() - started).count(),
        std::memory_order_relaxed);
    (result == ConsumeOrderlyResult::kSuccess ? counters_.consume_ok : counters_.consume_failed)
        .fetch_add(static_cast<int64_t>(msgs.size()), std::memory_order_relaxed);
    if (result == ConsumeOrderlyResult::kSuccess) {
      const int64_t offset = pq->CommitOrderly();
      if (offset >= 0) offsets_->Update(pq->queue(), offset, /*increase_only=*/false);
      continue;
    }
    // Suspended: the same messages again after a pause, unless they exhausted their retries,
    // in which case they go to the DLQ (delay level -1) and the queue moves on.
    bool exhausted = options_.orderly_max_reconsume_times >= 0;
    for (MessageExt& m : msgs) {
      ++m.reconsume_times;
      if (m.reconsume_times <= options_.orderly_max_reconsume_times) exhausted = false;
    }
    if (exhausted) {
      bool all_sent = true;
      for (const MessageExt& m : msgs) all_sent = SendBack(m, pq->queue(), -1) && all_sent;
      if (all_sent) {
        const int64_t offset = pq->CommitOrderly();
        if (offset >= 0) offsets_->Update(pq->queue(), offset, /*increase_only=*/false);
        continue;
      }
    }
    pq->ReturnOrderly(std::move(msgs));
    ScheduleOrderly(pq, std::max(ctx.suspend, std::chrono::milliseconds(10)));
    return;
  }
  // Time slice used: let other queues' tasks run, then continue (still scheduled).
  if (!consume_pool_->Submit([this, pq] { ConsumeOrderly(pq); })) {
    pq->orderly_scheduled().store(false);
  }
}

}  // namespace tern::client
