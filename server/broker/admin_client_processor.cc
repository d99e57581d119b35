#include "server/broker/admin_client_processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/mutex.h"
#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "server/net/connection.h"
#include "server/protocol/reset_offset_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"

namespace tern::broker {

namespace code = remoting::response;
namespace req = remoting::request;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

namespace {

// MQVersion ordinals the broker checks clients against (protocol.md 10.2).
constexpr int32_t kV3_0_7_Snapshot = 28;
constexpr int32_t kV3_1_8_Snapshot = 62;

void BadHeader(const ChannelPtr& channel, const RemotingCommand& request, const absl::Status& s) {
  Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
}

}  // namespace

void AdminClientProcessor::Register(remoting::HandlerTable& table) {
  table.Register(req::kGetConsumerRunningInfo,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string b) {
                   RunningInfo(c, r, std::move(b));
                 });
  table.Register(req::kConsumeMessageDirectly,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) {
                   ConsumeDirectly(c, std::move(r));
                 });
  table.Register(req::kInvokeBrokerToResetOffset, [this](const ChannelPtr& c, RemotingCommand r,
                                                         std::string) { ResetOffset(c, r); });
  table.Register(
      req::kInvokeBrokerToGetConsumerStatus,
      [this](const ChannelPtr& c, RemotingCommand r, std::string) { ConsumerStatus(c, r); });
}

void AdminClientProcessor::CallConsumer(const ChannelPtr& channel, const RemotingCommand& request,
                                        std::string body, const std::string& group,
                                        const std::string& client_id) {
  std::optional<ClientChannel> target;
  if (std::optional<ConsumerGroupInfo> info = ctx_->clients->Consumer(group)) {
    for (const auto& [id, c] : info->channels) {
      if (c.client_id == client_id && c.channel && !c.channel->closed()) {
        target = c;
        break;
      }
    }
  }
  if (!target) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("The Consumer <{}> <{}> not online", group, client_id));
  }
  if (target->version < kV3_1_8_Snapshot) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("The Consumer <{}> Version <{}> too low to finish, please upgrade it "
                             "to V3_1_8_SNAPSHOT",
                             client_id, target->version));
  }
  auto conn = std::dynamic_pointer_cast<net::Connection>(target->channel);
  if (conn == nullptr) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("invoke consumer <{}> <{}> Exception: not a network channel", group,
                             client_id));
  }
  RemotingCommand forward = RemotingCommand::Request(request.code, 0);
  forward.ext_fields = request.ext_fields;
  RemotingCommand answer_to = request;  // the admin's opaque and serialize type
  answer_to.ext_fields.reset();
  answer_to.remark.reset();
  conn->Invoke(std::move(forward), std::move(body), call_timeout_,
               [channel, answer_to, group, client_id](absl::StatusOr<net::Response> r) {
                 if (!r.ok()) {
                   if (absl::IsDeadlineExceeded(r.status())) {
                     return Reply(channel, answer_to, code::kConsumeMsgTimeout,
                                  fmt::format("consumer <{}> <{}> Timeout: {}", group, client_id,
                                              MessageOf(r.status())));
                   }
                   return Reply(channel, answer_to, code::kSystemError,
                                fmt::format("invoke consumer <{}> <{}> Exception: {}", group,
                                            client_id, MessageOf(r.status())));
                 }
                 RemotingCommand out = std::move(r->command);
                 out.opaque = answer_to.opaque;
                 out.flag = remoting::kFlagResponse;
                 out.serialize_type = answer_to.serialize_type;
                 channel->Send(std::move(out), std::move(r->body));
               });
}

// GET_CONSUMER_RUNNING_INFO: header consumerGroup, clientId, jstackEnable.
void AdminClientProcessor::RunningInfo(const ChannelPtr& channel, const RemotingCommand& request,
                                       std::string body) {
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "consumerGroup");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  absl::StatusOr<std::string> client = remoting::RequiredString(request, "clientId");
  if (!client.ok()) return BadHeader(channel, request, client.status());
  CallConsumer(channel, request, std::move(body), *group, *client);
}

// CONSUME_MESSAGE_DIRECTLY: header consumerGroup, clientId, msgId (an offset id of this
// broker), brokerName. The stored record goes to the client as the body.
void AdminClientProcessor::ConsumeDirectly(const ChannelPtr& channel, RemotingCommand request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "consumerGroup");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  absl::StatusOr<std::string> client = remoting::RequiredString(request, "clientId");
  if (!client.ok()) return BadHeader(channel, request, client.status());
  absl::StatusOr<std::string> msg_id = remoting::RequiredString(request, "msgId");
  if (!msg_id.ok()) return BadHeader(channel, request, msg_id.status());
  request.MutableFields().Set("brokerName", ctx_->config->broker_name);
  absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(*msg_id);
  if (!id.ok()) {
    return Reply(
        channel, request, code::kSystemError,
        fmt::format("msgId {} is not an offset message id: {}", *msg_id, MessageOf(id.status())));
  }
  std::optional<engine::FoundMessage> found = ctx_->store->reader().LookupMessage(id->offset);
  if (!found) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("message {} not found in this broker", *msg_id));
  }
  std::string body(reinterpret_cast<const char*>(found->slice.bytes.data()),
                   found->slice.bytes.size());
  CallConsumer(channel, request, std::move(body), *group, *client);
}

// INVOKE_BROKER_TO_RESET_OFFSET: header topic, group, timestamp, isForce.
void AdminClientProcessor::ResetOffset(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return BadHeader(channel, request, topic.status());
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "group");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  absl::StatusOr<int64_t> timestamp = remoting::RequiredInt64(request, "timestamp");
  if (!timestamp.ok()) return BadHeader(channel, request, timestamp.status());
  const bool force = remoting::OptionalBool(request, "isForce", false);
  const bool for_c = request.language == remoting::LanguageCode::kCpp;
  spdlog::info(
      "[reset-offset] reset offset started by {}. topic={}, group={}, timestamp={}, "
      "isForce={}",
      channel->remote_address(), *topic, *group, *timestamp, force);
  std::optional<TopicConfig> tc = ctx_->topics->Find(*topic);
  if (!tc) {
    return Reply(channel, request, code::kSystemError,
                 "[reset-offset] reset offset failed, no topic in this broker. topic=" + *topic);
  }
  const engine::MessageReader& reader = ctx_->store->reader();
  protocol::ResetOffsetBody table;
  for (int32_t i = 0; i < tc->write_queue_nums; ++i) {
    std::optional<int64_t> consumer = ctx_->offsets->Query(*group, *topic, i);
    if (!consumer || *consumer == -1) {
      return Reply(channel, request, code::kSystemError,
                   fmt::format("THe consumer group <{}> not exist", *group));
    }
    int64_t target = *timestamp == -1 ? reader.MaxOffsetInQueue(*topic, i)
                                      : reader.OffsetInQueueByTime(*topic, i, *timestamp);
    if (target < 0) target = 0;
    table.offset_table[{*topic, ctx_->config->broker_name, i}] =
        (force || target < *consumer) ? target : *consumer;
  }
  std::optional<ConsumerGroupInfo> info = ctx_->clients->Consumer(*group);
  if (!info || info->channels.empty()) {
    return Reply(channel, request, code::kConsumerNotOnline,
                 fmt::format("Consumer not online, so can not reset offset, Group: {} Topic: {} "
                             "Timestamp: {}",
                             *group, *topic, *timestamp));
  }
  for (const auto& [id, c] : info->channels) {
    if (c.version < kV3_0_7_Snapshot) {
      return Reply(channel, request, code::kSystemError,
                   fmt::format("the client does not support this feature. version={}", c.version));
    }
  }
  for (const auto& [mq, offset] : table.offset_table) {
    ctx_->offsets->Commit(*group, mq.topic, mq.queue_id, offset);
  }
  const std::string push_body = for_c ? table.EncodeForC() : table.Encode();
  for (const auto& [id, c] : info->channels) {
    RemotingCommand push = RemotingCommand::Request(req::kResetConsumerClientOffset, 0);
    remoting::ExtFields& f = push.MutableFields();
    remoting::PutString(f, "topic", *topic);
    remoting::PutString(f, "group", *group);
    remoting::PutInt(f, "timestamp", *timestamp);
    remoting::PutBool(f, "isForce", force);
    push.flag |= remoting::kFlagOneway;
    c.channel->Send(std::move(push), push_body);
    spdlog::info("[reset-offset] reset offset success. topic={}, group={}, clientId={}", *topic,
                 *group, c.client_id);
  }
  channel->Send(RemotingCommand::ResponseTo(request, code::kSuccess), table.Encode());
}

// INVOKE_BROKER_TO_GET_CONSUMER_STATUS: header topic, group, clientAddr (a clientId; empty
// asks every consumer of the group). Each asked consumer gets GET_CONSUMER_STATUS_FROM_CLIENT
// (221) at once; the admin gets consumerTable (clientId -> the offsets it reported) when the
// last one answered or timed out. A consumer that fails or times out is left out, as in Java.
void AdminClientProcessor::ConsumerStatus(const ChannelPtr& channel,
                                          const RemotingCommand& request) {
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return BadHeader(channel, request, topic.status());
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "group");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  const std::string* origin = request.Field("clientAddr");
  const std::string client_id = origin ? *origin : std::string();
  std::optional<ConsumerGroupInfo> info = ctx_->clients->Consumer(*group);
  if (!info || info->channels.empty()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("No Any Consumer online in the consumer group: [{}]", *group));
  }
  std::vector<std::pair<std::string, std::shared_ptr<net::Connection>>> targets;
  for (const auto& [id, c] : info->channels) {
    if (c.version < kV3_0_7_Snapshot) {
      return Reply(channel, request, code::kSystemError,
                   fmt::format("the client does not support this feature. version={}", c.version));
    }
    if (!client_id.empty() && c.client_id != client_id) continue;
    if (auto conn = std::dynamic_pointer_cast<net::Connection>(c.channel);
        conn && !conn->closed()) {
      targets.emplace_back(c.client_id, std::move(conn));
    }
    if (!client_id.empty()) break;
  }
  struct Gather {
    Mutex mu;
    protocol::ConsumerStatusBody body ABSL_GUARDED_BY(mu);
    size_t pending ABSL_GUARDED_BY(mu) = 0;
  };
  auto gather = std::make_shared<Gather>();
  RemotingCommand answer_to = request;
  answer_to.ext_fields.reset();
  answer_to.remark.reset();
  auto finish = [channel, answer_to, gather] {
    std::string out;
    {
      MutexLock lock(&gather->mu);
      if (--gather->pending != 0) return;
      out = gather->body.Encode();
    }
    channel->Send(RemotingCommand::ResponseTo(answer_to, code::kSuccess), std::move(out));
  };
  {
    MutexLock lock(&gather->mu);
    gather->pending = targets.size() + 1;  // +1: this function's own hold, released below
  }
  for (auto& [id, conn] : targets) {
    RemotingCommand ask = RemotingCommand::Request(req::kGetConsumerStatusFromClient, 0);
    remoting::PutString(ask.MutableFields(), "topic", *topic);
    remoting::PutString(ask.MutableFields(), "group", *group);
    conn->Invoke(
        std::move(ask), "", call_timeout_,
        [gather, finish, id = id, topic = *topic, group = *group](absl::StatusOr<net::Response> r) {
          if (!r.ok() || r->command.code != code::kSuccess) {
            spdlog::warn(
                "[get-consumer-status] get consumer status failed. topic={}, group={}, "
                "clientId={}: {}",
                topic, group, id,
                r.ok() ? r->command.remark.value_or("code " + std::to_string(r->command.code))
                       : std::string(MessageOf(r.status())));
          } else if (!r->body.empty()) {
            absl::StatusOr<protocol::ConsumerStatusBody> b =
                protocol::ConsumerStatusBody::Decode(r->body);
            if (b.ok()) {
              MutexLock lock(&gather->mu);
              gather->body.consumer_table[id] = std::move(b->message_queue_table);
            } else {
              spdlog::warn(
                  "[get-consumer-status] clientId={} answered an undecodable "
                  "body: {}",
                  id, MessageOf(b.status()));
            }
          }
          finish();
        });
  }
  finish();
}

}  // namespace tern::broker
