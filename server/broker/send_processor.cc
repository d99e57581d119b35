#include "server/broker/send_processor.h"

#include <fmt/format.h>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/commit_log_format.h"
#include "engine/consume_queue.h"
#include "engine/properties.h"
#include "server/broker/delay_route.h"
#include "server/broker/reput.h"
#include "server/broker/reroute_services.h"
#include "server/broker/retry_dlq.h"
#include "server/broker/send_check.h"
#include "server/remoting/batch_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"
#include "server/remoting/headers/send.h"

namespace tern::broker {

namespace code = remoting::response;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

namespace {

// Completes a SYNC_FLUSH send once the group commit covered it (or timed out). The flush may
// finish before the handler has built the response, so whichever of the two comes second
// (Arm() or OnFlushed()) sends it and frees the waiter.
class SendFlushWaiter final : public engine::FlushWaiter {
 public:
  explicit SendFlushWaiter(ChannelPtr channel) : channel_(std::move(channel)) {}
  void OnFlushed(engine::FlushOutcome outcome) override {
    outcome_ = outcome;
    if (stage_.fetch_add(1, std::memory_order_acq_rel) == 1) Finish();
  }
  // The handler's half: the response is ready.
  void Arm(RemotingCommand response) {
    response_ = std::move(response);
    if (stage_.fetch_add(1, std::memory_order_acq_rel) == 1) Finish();
  }

 private:
  void Finish() {
    if (outcome_ == engine::FlushOutcome::kTimeout) {
      response_.code = code::kFlushDiskTimeout;
      response_.remark = "flush to disk timed out; the message is stored but not yet durable";
    } else if (outcome_ == engine::FlushOutcome::kError) {
      response_.code = code::kServiceNotAvailable;
      response_.remark = "the store failed to flush and is read-only; the message is not durable";
    }
    channel_->Send(std::move(response_), {});
    delete this;
  }

  ChannelPtr channel_;
  RemotingCommand response_;
  engine::FlushOutcome outcome_ = engine::FlushOutcome::kOk;
  std::atomic<int> stage_{0};
};

int32_t RouteErrorCode(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return code::kSubscriptionGroupNotExist;
    case absl::StatusCode::kPermissionDenied:
      return code::kNoPermission;
    case absl::StatusCode::kInvalidArgument:
      return code::kMessageIllegal;
    default:
      return code::kSystemError;
  }
}

std::optional<int32_t> Int32Property(std::string_view props, std::string_view name) {
  const std::optional<std::string_view> v = engine::FindProperty(props, name);
  const std::optional<int64_t> n = v ? ParseDecimal(*v) : std::nullopt;
  if (!n || *n < INT32_MIN || *n > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*n);
}

}  // namespace

std::string StoredProperties(std::string_view client_properties, std::string_view cluster) {
  std::string out;
  out.reserve(client_properties.size() + cluster.size() + 10);
  out.append(client_properties);
  if (!out.empty() && out.back() != engine::kPropertySeparator) {
    out.push_back(engine::kPropertySeparator);
  }
  if (!engine::FindProperty(client_properties, engine::property::kCluster)) {
    engine::AppendProperty(&out, engine::property::kCluster, cluster);
  }
  return out;
}

int32_t SendErrorCode(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return code::kMessageIllegal;
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
      return code::kServiceNotAvailable;
    default:
      return code::kSystemError;
  }
}

absl::StatusOr<SendProcessor::Routed> SendProcessor::Route(
    const RemotingCommand& request, const remoting::SendMessageRequestHeader& header,
    int32_t queue_id, std::string_view client_props, bool batch) const {
  namespace prop = engine::property;
  const BrokerConfig& cfg = *ctx_->config;
  Routed r;
  r.topic = header.topic;
  r.queue_id = queue_id;
  r.sys_flag = header.sys_flag;
  r.reconsume_times = header.reconsume_times.value_or(0);
  const bool retry = header.topic.starts_with(kRetryGroupTopicPrefix);
  const int32_t max_level = ctx_->reroute->delay_levels().max_level();
  const int64_t max_timer_ms = cfg.timer_max_delay_sec * 1000;
  if (batch) {
    if (retry) {
      return absl::InvalidArgumentError(
          fmt::format("batch request does not support retry group {}", header.topic));
    }
    absl::StatusOr<DelayDecision> d =
        ClassifyDelay(client_props, NowMillis(), max_level, max_timer_ms);
    if (!d.ok()) return d.status();
    if (d->kind != DelayDecision::Kind::kNone) {
      return absl::InvalidArgumentError(
          "batch message does not support delay levels or timer delivery");
    }
    return r;
  }
  std::string props = StoredProperties(client_props, cfg.broker_cluster_name);
  if (retry) {
    const std::string_view group =
        std::string_view(header.topic).substr(kRetryGroupTopicPrefix.size());
    absl::StatusOr<SubscriptionGroupConfig> g = FindGroupForRetry(*ctx_, group);
    if (!g.ok()) return g.status();
    std::optional<int32_t> client_max = header.max_reconsume_times;
    if (!client_max) client_max = Int32Property(client_props, prop::kMaxReconsumeTimes);
    const int32_t max_times = EffectiveMaxReconsumeTimes(request.version, client_max, *g);
    if (r.reconsume_times <= 0) {
      r.reconsume_times = Int32Property(client_props, prop::kReconsumeTime).value_or(0);
    }
    if (r.reconsume_times >= max_times) {
      absl::StatusOr<TopicConfig> dlq = EnsureDlqTopic(*ctx_, group);
      if (!dlq.ok()) return dlq.status();
      r.topic = dlq->topic_name;
      r.queue_id = 0;
      r.properties = EditProperties(props, {}, {prop::kDelayLevel});
      return r;
    }
  }
  if (const std::optional<std::string_view> tran =
          engine::FindProperty(client_props, prop::kTransactionPrepared);
      tran && remoting::ParseJavaBool(*tran)) {
    if (cfg.reject_transaction_message) {
      return absl::PermissionDeniedError(
          fmt::format("the broker[{}] sending transaction message is forbidden", cfg.broker_ip1));
    }
    const std::string qid = std::to_string(queue_id);
    r.properties =
        EditProperties(props, {{prop::kRealTopic, header.topic}, {prop::kRealQueueId, qid}},
                       {prop::kTransactionPreparedQueueOffset, prop::kTransactionCheckTimes});
    r.sys_flag &= ~engine::format::kTransactionTypeMask;
    r.topic = kTransHalfTopic;
    r.queue_id = 0;
    return r;
  }
  const int32_t tx = engine::format::TransactionType(r.sys_flag);
  if (tx != engine::format::kTransactionNotType && tx != engine::format::kTransactionCommitType) {
    return r;
  }
  absl::StatusOr<DelayDecision> d =
      ClassifyDelay(client_props, NowMillis(), max_level, max_timer_ms);
  if (!d.ok()) return d.status();
  switch (d->kind) {
    case DelayDecision::Kind::kNone:
      break;
    case DelayDecision::Kind::kLevel:
      r.properties = ScheduleProperties(props, header.topic, queue_id, d->level);
      r.topic = engine::kScheduleTopic;
      r.queue_id = d->level - 1;
      break;
    case DelayDecision::Kind::kTimer:
      r.properties = TimerProperties(props, header.topic, queue_id, d->deliver_ms);
      r.topic = kTimerTopic;
      r.queue_id = 0;
      break;
  }
  return r;
}

void SendProcessor::Register(remoting::HandlerTable& table) {
  auto h = [this](const ChannelPtr& c, RemotingCommand r, std::string b) {
    Handle(c, std::move(r), std::move(b));
  };
  table.Register(remoting::request::kSendMessage, h);
  table.Register(remoting::request::kSendMessageV2, h);
  table.Register(remoting::request::kSendBatchMessage, h);
}

void SendProcessor::Handle(const ChannelPtr& channel, RemotingCommand request, std::string body) {
  const BrokerConfig& cfg = *ctx_->config;
  RemotingCommand response = RemotingCommand::ResponseTo(request, code::kSuccess);
  remoting::WriteSendResponseTrailer(cfg.region_id, cfg.trace_on, response.MutableFields());
  auto fail = [&](int32_t c, std::string remark) {
    if (c != code::kSystemBusy) ctx_->counters->send_errors.fetch_add(1);
    if (request.is_oneway()) return;
    response.code = c;
    response.remark = std::move(remark);
    channel->Send(std::move(response), {});
  };

  absl::StatusOr<remoting::SendMessageRequestHeader> header =
      remoting::SendMessageRequestHeader::Parse(request);
  if (!header.ok()) return fail(code::kSystemError, std::string(MessageOf(header.status())));
  const bool batch = header->batch || request.code == remoting::request::kSendBatchMessage;

  const SendCheck target = CheckSendTarget(*ctx_, *header, channel->remote_address());
  if (!target.ok()) return fail(target.code, target.remark);
  const int32_t queue_id = target.queue_id;

  const std::string_view client_props =
      header->properties ? std::string_view(*header->properties) : std::string_view();
  if (batch && (header->sys_flag & engine::format::kTransactionTypeMask) != 0) {
    return fail(code::kMessageIllegal, "batch message does not support transaction messages");
  }
  // Where the message really goes: %RETRY% redirects, half messages, delays, timers.
  absl::StatusOr<Routed> routed = Route(request, *header, queue_id, client_props, batch);
  if (!routed.ok()) {
    return fail(RouteErrorCode(routed.status()), std::string(MessageOf(routed.status())));
  }

  // Back-pressure: never a silent stall.
  const engine::StoreStats stats = ctx_->store->stats();
  if (cfg.sync_flush &&
      stats.commit_log_max_offset - stats.commit_log_flushed_offset > cfg.busy_unflushed_bytes) {
    ctx_->counters->send_busy.fetch_add(1);
    ctx_->counters->send_busy_flush.fetch_add(1);
    return fail(code::kSystemBusy,
                fmt::format("[PC_SYNCHRONIZED]broker busy: {} bytes are waiting for the disk "
                            "flush (limit {}), start flow control for a while",
                            stats.commit_log_max_offset - stats.commit_log_flushed_offset,
                            cfg.busy_unflushed_bytes));
  }
  if (stats.dispatch_behind_bytes > cfg.busy_unflushed_bytes) {
    ctx_->counters->send_busy.fetch_add(1);
    ctx_->counters->send_busy_dispatch.fetch_add(1);
    return fail(code::kSystemBusy,
                fmt::format("[REJECTREQUEST]broker busy: dispatch is {} bytes behind (limit {}), "
                            "start flow control for a while",
                            stats.dispatch_behind_bytes, cfg.busy_unflushed_bytes));
  }

  engine::MessageToStore base;
  base.topic = routed->topic;
  base.queue_id = routed->queue_id;
  base.flag = header->flag;
  base.sys_flag = routed->sys_flag;
  base.born_timestamp = header->born_timestamp;
  if (absl::StatusOr<engine::HostPort> born = engine::HostPort::Parse(channel->remote_address());
      born.ok()) {
    base.born_host = *born;
  }
  base.store_host = ctx_->store_host;
  base.reconsume_times = routed->reconsume_times;

  absl::StatusOr<engine::PutOutcome> put;
  // Only used (and then freed by itself) when the store registers it for a group commit.
  std::unique_ptr<SendFlushWaiter> waiter_owner;
  if (cfg.sync_flush && !request.is_oneway()) {
    waiter_owner = std::make_unique<SendFlushWaiter>(channel);
  }
  SendFlushWaiter* waiter = waiter_owner.get();
  std::vector<int64_t> offsets;
  int messages = 1;
  if (!batch) {
    const std::string props = routed->properties
                                  ? *routed->properties
                                  : StoredProperties(client_props, cfg.broker_cluster_name);
    base.body = AsBytes(body);
    base.properties = props;
    put = ctx_->store->PutMessage(base, waiter);
    if (put.ok()) offsets.push_back(put->append.physical_offset.value());
  } else {
    absl::StatusOr<std::vector<remoting::BatchRecord>> records =
        remoting::DecodeBatchBody(AsBytes(body));
    if (!records.ok()) return fail(code::kMessageIllegal, std::string(MessageOf(records.status())));
    if (records->empty()) return fail(code::kMessageIllegal, "empty batch");
    // Batch-level properties (header `i`) follow each message's own, then CLUSTER.
    std::string batch_props;
    engine::AppendProperty(&batch_props, engine::property::kCluster, cfg.broker_cluster_name);
    batch_props += client_props;
    if (!batch_props.empty() && batch_props.back() != engine::kPropertySeparator) {
      batch_props.push_back(engine::kPropertySeparator);
    }
    std::vector<std::string> props(records->size());
    std::vector<engine::MessageToStore> msgs(records->size(), base);
    for (size_t i = 0; i < records->size(); ++i) {
      const remoting::BatchRecord& r = (*records)[i];
      props[i].assign(r.properties);
      if (!props[i].empty() && props[i].back() != engine::kPropertySeparator) {
        props[i].push_back(engine::kPropertySeparator);
      }
      props[i] += batch_props;
      msgs[i].flag = r.flag;
      msgs[i].body = r.body;
      msgs[i].properties = props[i];
    }
    messages = static_cast<int>(msgs.size());
    put = ctx_->store->PutMessages(msgs, waiter);
    if (put.ok()) {
      int64_t phys = put->append.physical_offset.value();
      for (const engine::MessageToStore& m : msgs) {
        offsets.push_back(phys);
        phys += static_cast<int64_t>(*engine::EncodedRecordSize(m));
      }
    }
  }
  if (!put.ok()) return fail(SendErrorCode(put.status()), std::string(MessageOf(put.status())));
  if (put->flush_pending) waiter_owner.release();  // now owned by the group commit
  ctx_->counters->put_messages.fetch_add(messages);
  ctx_->counters->put_bytes.fetch_add(put->append.bytes);

  remoting::SendMessageResponseHeader rh;
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (i > 0) rh.msg_id.push_back(',');
    rh.msg_id += engine::OffsetMessageId(ctx_->store_host, PhysicalOffset(offsets[i]));
  }
  rh.queue_id = queue_id;
  rh.queue_offset = put->append.queue_offset.value();
  rh.msg_region = cfg.region_id;
  rh.trace_on = cfg.trace_on;
  rh.WriteTo(response.MutableFields());
  if (put->flush_pending) {
    waiter->Arm(std::move(response));
    return;
  }
  if (request.is_oneway()) return;
  channel->Send(std::move(response), {});
}

}  // namespace tern::broker
