// admin_client_processor.h: admin codes the broker answers by talking to a consumer
// (protocol.md 2.7): GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309) are
// forwarded to the named client, and INVOKE_BROKER_TO_RESET_OFFSET (222) computes per-queue
// offsets by store time and pushes them to every consumer of the group with
// RESET_CONSUMER_CLIENT_OFFSET (220). INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223, mqadmin
// getConsumerStatus) asks the group's consumers (or the one named) for their offsets with
// GET_CONSUMER_STATUS_FROM_CLIENT (221) and answers with every reply gathered.
//
// Forwarding (Java's AdminBrokerProcessor.callConsumer): the client is found by clientId among
// the group's live channels (ClientRegistry); the broker sends a new request with the same code
// and extFields (309: plus brokerName, and the message's stored bytes, looked up by its offset
// msgId, as the body) and answers the admin with the client's response as it is. Not online
// (or older than V3_1_8_SNAPSHOT): code 1 with Java's remark; no answer within
// `call_timeout`: 207 CONSUME_MSG_TIMEOUT. The wait is asynchronous (net::Connection::Invoke):
// the I/O thread never blocks.
//
// Reset (Java's Broker2Client.resetOffset): for each write queue, offset = the queue's max when
// timestamp is -1, else the offset stored nearest `timestamp`; unless isForce, a queue only
// moves backwards. Every queue needs a committed offset of the group ("THe consumer group <g>
// not exist" otherwise) and the group must be online (206). Beyond Java, the broker also
// commits the new offsets itself, so they hold even if a client misses the oneway 220. A
// request from a CPP client gets ResetOffsetBodyForC in the 220 body, as Java does. Both 222
// and 309 are admin writes: loopback only unless adminAllowRemote.
//
// Thread safety: stateless besides the context; callbacks capture channels by value.
#pragma once

#include <chrono>

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class AdminClientProcessor {
 public:
  AdminClientProcessor(BrokerContext* ctx, std::chrono::milliseconds call_timeout)
      : ctx_(ctx), call_timeout_(call_timeout) {}
  void Register(remoting::HandlerTable& table);

 private:
  void RunningInfo(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                   std::string body);
  void ConsumeDirectly(const remoting::ChannelPtr& channel, remoting::RemotingCommand request);
  void ResetOffset(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void ConsumerStatus(const remoting::ChannelPtr& channel,
                      const remoting::RemotingCommand& request);
  // Forwards `request` (its code, extFields and `body`) to `client_id` of `group` and answers
  // `channel` with the client's response.
  void CallConsumer(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                    std::string body, const std::string& group, const std::string& client_id);

  BrokerContext* const ctx_;
  const std::chrono::milliseconds call_timeout_;
};

}  // namespace tern::broker
