// PushConsumer's answers to the broker's admin requests (push_consumer.h):
// GET_CONSUMER_RUNNING_INFO -> ConsumerRunningInfo, CONSUME_MESSAGE_DIRECTLY ->
// ConsumeMessageDirectlyResult, both as Java's JSON (fields in alphabetical order; the mqTable
// keyed by MessageQueue objects, as fastjson writes it and mqadmin reads it).
#include <fmt/format.h>

#include "client/push_consumer.h"
#include "engine/base/clock.h"
#include "server/protocol/json_writer.h"

namespace tern::client {

namespace {

std::string QueueKey(const MessageQueue& q) {
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("brokerName");
  w.String(q.broker_name);
  w.Key("queueId");
  w.Int(q.queue_id);
  w.Key("topic");
  w.String(q.topic);
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace

std::string PushConsumer::RunningInfoJson() {
  const int64_t now = NowMillis();
  double seconds = 1;
  {
    MutexLock lock(&stats_mu_);
    seconds = std::max<double>(1, static_cast<double>(now - stats_since_ms_) / 1000.0);
    stats_since_ms_ = now;
  }
  const int64_t pulls = counters_.pulls.exchange(0);
  const int64_t pull_rt = counters_.pull_rt_us.exchange(0);
  const int64_t ok = counters_.consume_ok.exchange(0);
  const int64_t failed = counters_.consume_failed.exchange(0);
  const int64_t consume_rt = counters_.consume_rt_us.exchange(0);

  std::map<MessageQueue, std::shared_ptr<ProcessQueue>> queues;
  {
    MutexLock lock(&mu_);
    queues = queues_;
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("mqTable");
  w.BeginObject();
  for (const auto& [q, pq] : queues) {
    w.ObjectKey(QueueKey(q));
    const auto [min, max] = pq->offset_range();
    w.BeginObject();
    w.Key("cachedMsgCount");
    w.Int(static_cast<int64_t>(pq->count()));
    w.Key("cachedMsgMaxOffset");
    w.Int(max);
    w.Key("cachedMsgMinOffset");
    w.Int(min);
    w.Key("cachedMsgSizeInMiB");
    w.Int(static_cast<int64_t>(pq->bytes() / (1024 * 1024)));
    w.Key("commitOffset");
    w.Int(offsets_->Cached(q));
    w.Key("droped");
    w.Bool(pq->dropped());
    w.Key("lastConsumeTimestamp");
    w.Int(pq->last_consume_ms());
    w.Key("lastLockTimestamp");
    w.Int(0);
    w.Key("lastPullTimestamp");
    w.Int(pq->last_pull_ms());
    w.Key("locked");
    w.Bool(false);
    w.Key("transactionMsgCount");
    w.Int(0);
    w.Key("transactionMsgMaxOffset");
    w.Int(0);
    w.Key("transactionMsgMinOffset");
    w.Int(0);
    w.Key("tryUnlockTimes");
    w.Int(0);
    w.EndObject();
  }
  w.EndObject();

  const std::string model =
      options_.model == MessageModel::kClustering ? "CLUSTERING" : "BROADCASTING";
  const std::vector<std::pair<std::string, std::string>> props = {
      {"PROP_CLIENT_VERSION", "V4_8_0"},
      {"PROP_CONSUMEORDERLY", orderly() ? "true" : "false"},
      {"PROP_CONSUMER_START_TIMESTAMP", std::to_string(start_ms_)},
      {"PROP_CONSUME_TYPE", "CONSUME_PASSIVELY"},
      {"PROP_NAMESERVER_ADDR",
       fmt::format("{}", fmt::join(instance_->config().namesrv_addrs, ";"))},
      {"PROP_THREADPOOL_CORE_SIZE", std::to_string(options_.consume_threads)},
      {"consumeMessageBatchMaxSize", std::to_string(options_.consume_batch_max)},
      {"consumeThreadMax", std::to_string(options_.consume_threads)},
      {"consumeThreadMin", std::to_string(options_.consume_threads)},
      {"consumerGroup", wire_group_},
      {"maxReconsumeTimes", std::to_string(options_.max_reconsume_times)},
      {"messageModel", model},
      {"pullBatchSize", std::to_string(options_.pull_batch_size)},
      {"pullThresholdForQueue", std::to_string(options_.pull_threshold_for_queue)},
  };
  w.Key("properties");
  w.BeginObject();
  for (const auto& [k, v] : props) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();

  std::vector<protocol::SubscriptionData> subs = WireSubscriptions();
  w.Key("statusTable");
  w.BeginObject();
  for (const protocol::SubscriptionData& sub : subs) {
    // Java keeps per-topic rates; this consumer keeps them per group, reported per topic.
    w.Key(sub.topic);
    w.BeginObject();
    w.Key("consumeFailedMsgs");
    w.Int(failed);
    w.Key("consumeFailedTPS");
    w.Double(static_cast<double>(failed) / seconds);
    w.Key("consumeOKTPS");
    w.Double(static_cast<double>(ok) / seconds);
    w.Key("consumeRT");
    w.Double(ok + failed > 0
                 ? static_cast<double>(consume_rt) / 1000.0 / static_cast<double>(ok + failed)
                 : 0.0);
    w.Key("pullRT");
    w.Double(pulls > 0 ? static_cast<double>(pull_rt) / 1000.0 / static_cast<double>(pulls) : 0.0);
    w.Key("pullTPS");
    w.Double(static_cast<double>(pulls) / seconds);
    w.EndObject();
  }
  w.EndObject();
  w.Key("subscriptionSet");
  w.BeginArray();
  for (const protocol::SubscriptionData& sub : subs) protocol::WriteSubscriptionJson(w, sub);
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

std::string PushConsumer::ConsumeDirectly(const MessageExt& msg, const std::string& broker_name) {
  ConsumeContext ctx;
  ctx.queue = {instance_->Unwrap(msg.topic), broker_name, msg.queue_id};
  MessageExt user = msg;
  user.topic = instance_->Unwrap(msg.topic);
  const auto started = MonoClock::now();
  std::string result = "CR_LATER";
  std::string remark;
  try {
    if (orderly()) {
      ConsumeOrderlyContext octx;
      octx.queue = ctx.queue;
      result = orderly_listener_({user}, octx) == ConsumeOrderlyResult::kSuccess ? "CR_SUCCESS"
                                                                                 : "CR_LATER";
    } else {
      result = listener_({user}, ctx) == ConsumeResult::kSuccess ? "CR_SUCCESS" : "CR_LATER";
    }
  } catch (const std::exception& e) {
    result = "CR_THROW_EXCEPTION";
    remark = e.what();
  } catch (...) {
    result = "CR_THROW_EXCEPTION";
    remark = "unknown exception";
  }
  const int64_t spent =
      std::chrono::duration_cast<std::chrono::milliseconds>(MonoClock::now() - started).count();
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("autoCommit");
  w.Bool(true);
  w.Key("consumeResult");
  w.String(result);
  w.Key("order");
  w.Bool(orderly());
  if (!remark.empty()) {
    w.Key("remark");
    w.String(remark);
  }
  w.Key("spentTimeMills");
  w.Int(spent);
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace tern::client
