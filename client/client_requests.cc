// The requests brokers send to a client (client_instance.h): NOTIFY_CONSUMER_IDS_CHANGED,
// GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY, RESET_CONSUMER_CLIENT_OFFSET,
// GET_CONSUMER_STATUS_FROM_CLIENT, CHECK_TRANSACTION_STATE,
// PUSH_REPLY_MESSAGE_TO_CLIENT. Handlers run on I/O threads and never block there: work that
// may block goes to the admin thread.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "client/client_instance.h"
#include "client/request_reply.h"
#include "engine/base/strings.h"
#include "engine/properties.h"
#include "server/protocol/reset_offset_body.h"
#include "server/remoting/codes.h"

namespace tern::client {

namespace req = remoting::request;
namespace code = remoting::response;

namespace {

void Answer(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
            int32_t c, std::string remark, std::string body) {
  if (request.is_oneway()) return;
  remoting::RemotingCommand response = remoting::RemotingCommand::ResponseTo(
      request, c, remark.empty() ? std::nullopt : std::optional<std::string>(std::move(remark)));
  channel->Send(std::move(response), std::move(body));
}

}  // namespace

void ClientInstance::RegisterRequestHandlers() {
  handlers_.Register(req::kNotifyConsumerIdsChanged,
                     [this](const remoting::ChannelPtr&, remoting::RemotingCommand r, std::string) {
                       const std::string* group = r.Field("consumerGroup");
                       if (group == nullptr) return;
                       std::shared_ptr<ConsumerRegistration> c = FindConsumer(*group);
                       if (c && c->on_ids_changed) c->on_ids_changed();
                     });

  handlers_.Register(
      req::kGetConsumerRunningInfo,
      [this](const remoting::ChannelPtr& channel, remoting::RemotingCommand r, std::string) {
        const std::string* group = r.Field("consumerGroup");
        std::shared_ptr<ConsumerRegistration> c = group ? FindConsumer(*group) : nullptr;
        if (!c || !c->running_info) {
          Answer(channel, r, code::kSystemError,
                 fmt::format("The Consumer Group <{}> not exist in this consumer",
                             group ? *group : std::string()),
                 "");
          return;
        }
        Answer(channel, r, code::kSuccess, "", c->running_info());
      });

  handlers_.Register(
      req::kConsumeMessageDirectly,
      [this](const remoting::ChannelPtr& channel, remoting::RemotingCommand r, std::string body) {
        const std::string* group = r.Field("consumerGroup");
        std::shared_ptr<ConsumerRegistration> c = group ? FindConsumer(*group) : nullptr;
        if (!c || !c->consume_directly) {
          Answer(channel, r, code::kSystemError,
                 fmt::format("The Consumer Group <{}> not exist in this consumer",
                             group ? *group : std::string()),
                 "");
          return;
        }
        absl::StatusOr<std::vector<MessageExt>> msgs = DecodeMessages(AsBytes(body));
        if (!msgs.ok() || msgs->size() != 1) {
          Answer(channel, r, code::kSystemError,
                 msgs.ok() ? "expected one message" : std::string(MessageOf(msgs.status())), "");
          return;
        }
        const std::string* broker = r.Field("brokerName");
        const bool queued = admin_->Submit([channel, r, c, msg = std::move((*msgs)[0]),
                                            broker_name = broker ? *broker : std::string()] {
          Answer(channel, r, code::kSuccess, "", c->consume_directly(msg, broker_name));
        });
        if (!queued) Answer(channel, r, code::kSystemError, "the client is shutting down", "");
      });

  handlers_.Register(req::kResetConsumerClientOffset, [this](const remoting::ChannelPtr& channel,
                                                             remoting::RemotingCommand r,
                                                             std::string body) {
    const std::string* group = r.Field("group");
    const std::string* topic = r.Field("topic");
    std::shared_ptr<ConsumerRegistration> c = group ? FindConsumer(*group) : nullptr;
    if (!c || !c->reset_offsets || topic == nullptr) {
      spdlog::warn("offset reset from {} for group '{}': {}", channel->remote_address(),
                   group ? *group : std::string(),
                   topic == nullptr ? "no topic in the request"
                                    : "no consumer of that group in this client");
      Answer(channel, r, code::kSystemError, "no such consumer group in this client", "");
      return;
    }
    absl::StatusOr<protocol::ResetOffsetBody> b = protocol::ResetOffsetBody::Decode(body);
    if (!b.ok()) {
      spdlog::warn("offset reset from {}: {}", channel->remote_address(), MessageOf(b.status()));
      Answer(channel, r, code::kSystemError, std::string(MessageOf(b.status())), "");
      return;
    }
    std::map<MessageQueue, int64_t> offsets;
    for (const auto& [q, offset] : b->offset_table) {
      offsets[MessageQueue{q.topic, q.broker_name, q.queue_id}] = offset;
    }
    admin_->Submit([c, t = *topic, offsets = std::move(offsets)] { c->reset_offsets(t, offsets); });
    Answer(channel, r, code::kSuccess, "", "");
  });

  // GET_CONSUMER_STATUS_FROM_CLIENT (221), asked by a broker serving mqadmin getConsumerStatus
  // (INVOKE_BROKER_TO_GET_CONSUMER_STATUS, 223): this client's offsets of the topic, as Java's
  // ClientRemotingProcessor answers (an unknown group gets an empty table).
  handlers_.Register(
      req::kGetConsumerStatusFromClient,
      [this](const remoting::ChannelPtr& channel, remoting::RemotingCommand r, std::string) {
        const std::string* group = r.Field("group");
        const std::string* topic = r.Field("topic");
        std::shared_ptr<ConsumerRegistration> c = group ? FindConsumer(*group) : nullptr;
        protocol::ConsumerStatusBody body;
        if (c && c->offset_table) {
          for (const auto& [q, offset] : c->offset_table(topic ? *topic : std::string())) {
            body.message_queue_table[{q.topic, q.broker_name, q.queue_id}] = offset;
          }
        }
        Answer(channel, r, code::kSuccess, "", body.Encode());
      });

  // PUSH_REPLY_MESSAGE_TO_CLIENT (request_reply.h): completes the matching request. Java
  // answers SUCCESS also when no request matches (it only logs).
  handlers_.Register(
      req::kPushReplyMessageToClient,
      [](const remoting::ChannelPtr& channel, remoting::RemotingCommand r, std::string body) {
        absl::StatusOr<MessageExt> reply = DecodePushedReply(r, std::move(body));
        if (!reply.ok()) {
          spdlog::warn("reply message from {}: {}", channel->remote_address(),
                       MessageOf(reply.status()));
          Answer(channel, r, code::kSystemError, "process reply message fail", "");
          return;
        }
        Answer(channel, r, code::kSuccess, "", "");
        const std::string id(reply->Property(engine::property::kCorrelationId));
        const std::string born = reply->born_host;
        if (!RequestFutureTable::Global().Complete(*std::move(reply))) {
          spdlog::warn(
              "receive reply message, but not matched any request, CorrelationId: {} , reply "
              "from host: {}",
              id, born);
        }
      });

  handlers_.Register(
      req::kCheckTransactionState,
      [this](const remoting::ChannelPtr& channel, remoting::RemotingCommand r, std::string body) {
        absl::StatusOr<std::vector<MessageExt>> msgs = DecodeMessages(AsBytes(body));
        if (!msgs.ok() || msgs->size() != 1) {
          spdlog::warn("transaction check from {}: undecodable message", channel->remote_address());
          return;
        }
        const std::string group((*msgs)[0].Property(engine::property::kProducerGroup));
        TransactionChecker checker;
        {
          MutexLock lock(&mu_);
          auto it = checkers_.find(group);
          if (it != checkers_.end()) checker = it->second;
        }
        if (!checker) {
          spdlog::warn("transaction check for group '{}' from {}: no transaction listener here",
                       group, channel->remote_address());
          return;
        }
        admin_->Submit([checker, addr = channel->remote_address(), r, msg = std::move((*msgs)[0])] {
          checker(addr, r, msg);
        });
      });
}

}  // namespace tern::client
