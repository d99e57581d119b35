#include "server/broker/send_back_processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/base/strings.h"
#include "engine/properties.h"
#include "server/broker/delay_route.h"
#include "server/broker/reput.h"
#include "server/broker/reroute_services.h"
#include "server/broker/retry_dlq.h"
#include "server/broker/send_check.h"
#include "server/broker/send_processor.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/send_back.h"

namespace tern::broker {

namespace code = remoting::response;
namespace prop = engine::property;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

void SendBackProcessor::Register(remoting::HandlerTable& table) {
  table.Register(remoting::request::kConsumerSendMsgBack,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) { Handle(c, r); });
}

void SendBackProcessor::Handle(const ChannelPtr& channel, const RemotingCommand& request) {
  auto reply = [&](int32_t c, std::string remark) {
    Reply(channel, request, c, std::move(remark));
  };
  absl::StatusOr<remoting::ConsumerSendMsgBackRequestHeader> h =
      remoting::ConsumerSendMsgBackRequestHeader::Parse(request);
  if (!h.ok()) return reply(code::kSystemError, std::string(MessageOf(h.status())));
  const BrokerConfig& cfg = *ctx_->config;
  spdlog::debug("send back from {}: group {} offset {} delayLevel {} maxReconsumeTimes {}",
                channel->remote_address(), h->group, h->offset, h->delay_level,
                h->max_reconsume_times.value_or(-1));

  absl::StatusOr<SubscriptionGroupConfig> group = FindGroupForRetry(*ctx_, h->group);
  if (!group.ok()) {
    return reply(
        absl::IsNotFound(group.status()) ? code::kSubscriptionGroupNotExist : code::kSystemError,
        std::string(MessageOf(group.status())));
  }
  if ((ctx_->broker_permission.load(std::memory_order_relaxed) & kPermWrite) == 0) {
    return reply(code::kNoPermission,
                 fmt::format("the broker[{}] sending message is forbidden", cfg.broker_ip1));
  }
  if (group->retry_queue_nums <= 0) return reply(code::kSuccess, "");

  absl::StatusOr<TopicConfig> retry = EnsureRetryTopic(*ctx_, h->group, group->retry_queue_nums);
  if (!retry.ok()) return reply(code::kSystemError, std::string(MessageOf(retry.status())));
  if ((retry->perm & kPermWrite) == 0) {
    return reply(code::kNoPermission,
                 fmt::format("the topic[{}] sending message is forbidden", retry->topic_name));
  }
  std::optional<engine::FoundMessage> found =
      ctx_->store->reader().LookupMessage(PhysicalOffset(h->offset));
  if (!found) {
    return reply(code::kSystemError, fmt::format("look message by offset failed, {}", h->offset));
  }
  const engine::RecordView& r = found->record;

  const std::string origin_topic(
      engine::FindProperty(r.properties, prop::kRetryTopic).value_or(r.topic));
  const std::string origin_id(
      engine::FindProperty(r.properties, prop::kOriginMessageId)
          .value_or(engine::OffsetMessageId(r.store_host, PhysicalOffset(r.physical_offset))));
  std::string props = EditProperties(r.properties, {{prop::kRetryTopic, origin_topic},
                                                    {prop::kOriginMessageId, origin_id},
                                                    {prop::kWaitStoreMsgOk, "false"}});
  const int32_t max_times =
      EffectiveMaxReconsumeTimes(request.version, h->max_reconsume_times, *group);

  engine::MessageToStore m = CopyRecord(r);
  m.store_host = ctx_->store_host;
  m.reconsume_times = r.reconsume_times + 1;
  m.prepared_transaction_offset = 0;
  std::string target;
  if (r.reconsume_times >= max_times || h->delay_level < 0) {
    absl::StatusOr<TopicConfig> dlq = EnsureDlqTopic(*ctx_, h->group);
    if (!dlq.ok()) return reply(code::kSystemError, std::string(MessageOf(dlq.status())));
    target = dlq->topic_name;
    m.topic = target;
    m.queue_id = 0;
    props = EditProperties(props, {}, {prop::kDelayLevel});
  } else {
    const int32_t queue = RandomQueue(group->retry_queue_nums);
    const int32_t max_level = ctx_->reroute->delay_levels().max_level();
    const int32_t level =
        std::min(h->delay_level == 0 ? 3 + r.reconsume_times : h->delay_level, max_level);
    target = retry->topic_name;
    props = ScheduleProperties(props, target, queue, level);
    m.topic = engine::kScheduleTopic;
    m.queue_id = level - 1;
  }
  m.properties = props;
  absl::StatusOr<engine::PutOutcome> put = ctx_->store->PutMessage(m, nullptr);
  if (!put.ok()) {
    return reply(SendErrorCode(put.status()) == code::kMessageIllegal ? code::kMessageIllegal
                                                                      : code::kSystemError,
                 fmt::format("storing the message sent back to {} failed: {}", target,
                             MessageOf(put.status())));
  }
  ctx_->counters->put_messages.fetch_add(1);
  ctx_->counters->put_bytes.fetch_add(put->append.bytes);
  reply(code::kSuccess, "");
}

}  // namespace tern::broker
