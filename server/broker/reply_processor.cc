#include "server/broker/reply_processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "engine/properties.h"
#include "server/broker/reput.h"
#include "server/broker/send_check.h"
#include "server/net/connection.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/reply.h"
#include "server/remoting/headers/send.h"

namespace tern::broker {

namespace code = remoting::response;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

namespace {

// Java's InetSocketAddress.toString() of a literal address: "/ip:port".
std::string JavaSocketAddress(std::string_view addr) { return fmt::format("/{}", addr); }

}  // namespace

void ReplyProcessor::Register(remoting::HandlerTable& table) {
  auto h = [this](const ChannelPtr& c, RemotingCommand r, std::string b) {
    Handle(c, std::move(r), std::move(b));
  };
  table.Register(remoting::request::kSendReplyMessage, h);
  table.Register(remoting::request::kSendReplyMessageV2, h);
}

remoting::ChannelPtr ReplyProcessor::FindProducerChannel(const std::string& client_id) const {
  const ClientChannel* best = nullptr;
  std::vector<ClientChannel> all;
  for (const std::string& g : ctx_->clients->ProducerGroups()) {
    for (ClientChannel& c : ctx_->clients->Producers(g)) all.push_back(std::move(c));
  }
  for (const ClientChannel& c : all) {
    if (c.client_id != client_id || !c.channel || c.channel->closed()) continue;
    if (best == nullptr || c.last_update_ms > best->last_update_ms) best = &c;
  }
  return best ? best->channel : nullptr;
}

void ReplyProcessor::Handle(const ChannelPtr& channel, RemotingCommand request, std::string body) {
  const BrokerConfig& cfg = *ctx_->config;
  RemotingCommand response = RemotingCommand::ResponseTo(request, code::kSuccess);
  remoting::WriteSendResponseTrailer(cfg.region_id, cfg.trace_on, response.MutableFields());
  auto fail = [&](int32_t c, std::string remark) {
    ctx_->counters->send_errors.fetch_add(1);
    if (request.is_oneway()) return;
    response.code = c;
    response.remark = std::move(remark);
    channel->Send(std::move(response), {});
  };

  // Validation: Java's AbstractSendMessageProcessor.msgCheck (send_check.h).
  absl::StatusOr<remoting::SendMessageRequestHeader> header =
      remoting::SendMessageRequestHeader::Parse(request);
  if (!header.ok()) return fail(code::kSystemError, std::string(MessageOf(header.status())));
  const SendCheck target = CheckSendTarget(*ctx_, *header, channel->remote_address());
  if (!target.ok()) return fail(target.code, target.remark);
  const std::string& topic = header->topic;
  const int32_t queue_id = target.queue_id;

  const std::string props = header->properties.value_or("");
  remoting::SendMessageResponseHeader rh;
  rh.msg_id = "0";  // Java: "set to zero to avoid client decoding exception"
  rh.queue_id = queue_id;
  rh.queue_offset = 0;
  rh.msg_region = cfg.region_id;
  rh.trace_on = cfg.trace_on;

  // Stored with the properties exactly as sent (Java 4.8 keeps the request's string: no
  // CLUSTER, no PUSH_REPLY_TIME). A failed store is logged only, as in Java.
  if (cfg.store_reply_message_enable) {
    engine::MessageToStore m;
    m.topic = topic;
    m.queue_id = queue_id;
    m.flag = header->flag;
    m.sys_flag = header->sys_flag;
    m.born_timestamp = header->born_timestamp;
    if (absl::StatusOr<engine::HostPort> born = engine::HostPort::Parse(channel->remote_address());
        born.ok()) {
      m.born_host = *born;
    }
    m.store_host = ctx_->store_host;
    m.reconsume_times = header->reconsume_times.value_or(0);
    m.body = AsBytes(body);
    m.properties = props;
    // Never waits for a SYNC_FLUSH group commit: the answer is about the push.
    absl::StatusOr<engine::PutOutcome> put = ctx_->store->PutMessage(m, nullptr);
    if (put.ok()) {
      ctx_->counters->put_messages.fetch_add(1);
      ctx_->counters->put_bytes.fetch_add(put->append.bytes);
      rh.msg_id = engine::OffsetMessageId(ctx_->store_host, put->append.physical_offset);
      rh.queue_offset = put->append.queue_offset.value();
    } else {
      spdlog::warn("reply message to {}: store failed: {}", topic, MessageOf(put.status()));
    }
  }
  rh.WriteTo(response.MutableFields());

  // The push to the requester (Java's pushReplyMessage).
  auto answer = [channel, oneway = request.is_oneway()](RemotingCommand r, int32_t c,
                                                        std::string remark) {
    if (oneway) return;
    r.code = c;
    if (c == code::kSuccess) {
      r.remark.reset();
    } else {
      r.remark = std::move(remark);
    }
    channel->Send(std::move(r), {});
  };
  const std::optional<std::string_view> reply_to =
      engine::FindProperty(props, engine::property::kReplyToClient);
  if (!reply_to) {
    spdlog::warn("{} is null, can not reply message", engine::property::kReplyToClient);
    return answer(
        std::move(response), code::kSystemError,
        fmt::format("reply message properties[{}] is null", engine::property::kReplyToClient));
  }
  const std::string sender(*reply_to);
  auto conn = std::dynamic_pointer_cast<net::Connection>(FindProducerChannel(sender));
  if (conn == nullptr) {
    std::string remark = fmt::format("push reply message fail, channel of <{}> not found.", sender);
    spdlog::warn("{}", remark);
    return answer(std::move(response), code::kSystemError, std::move(remark));
  }

  remoting::ReplyMessageRequestHeader ph;
  ph.producer_group = header->producer_group;
  ph.topic = topic;
  ph.default_topic = header->default_topic;
  ph.default_topic_queue_nums = header->default_topic_queue_nums;
  ph.queue_id = header->queue_id;
  ph.sys_flag = header->sys_flag;
  ph.born_timestamp = header->born_timestamp;
  ph.flag = header->flag;
  std::string push_props = props;
  if (!push_props.empty() && push_props.back() != engine::kPropertySeparator) {
    push_props.push_back(engine::kPropertySeparator);
  }
  engine::AppendProperty(&push_props, engine::property::kPushReplyTime,
                         std::to_string(NowMillis()));
  ph.properties = std::move(push_props);
  ph.reconsume_times = header->reconsume_times;
  ph.unit_mode = header->unit_mode;
  ph.born_host = JavaSocketAddress(channel->remote_address());
  ph.store_host = JavaSocketAddress(ctx_->store_host.ToString());
  ph.store_timestamp = NowMillis();
  RemotingCommand push = RemotingCommand::Request(remoting::request::kPushReplyMessageToClient, 0);
  ph.WriteTo(push.MutableFields());
  conn->Invoke(
      std::move(push), std::move(body), push_timeout_,
      [answer, sender, response = std::move(response)](absl::StatusOr<net::Response> r) mutable {
        if (r.ok() && r->command.code == code::kSuccess) {
          return answer(std::move(response), code::kSuccess, "");
        }
        spdlog::warn("push reply message to <{}> failed: {}", sender,
                     r.ok() ? r->command.remark.value_or("") : std::string(MessageOf(r.status())));
        // Java's remark, missing space included.
        answer(std::move(response), code::kSystemError,
               fmt::format("push reply message to {}fail.", sender));
      });
}

}  // namespace tern::broker
