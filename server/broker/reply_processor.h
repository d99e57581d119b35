// reply_processor.h: SEND_REPLY_MESSAGE (324) / SEND_REPLY_MESSAGE_V2 (325), the responder's
// half of request-reply (protocol.md 2.1, 10; Java 4.6+ ReplyMessageProcessor).
//
// A responder sends its reply (MSG_TYPE=reply, usually to <cluster>_REPLY_TOPIC) with a send
// header. The broker validates it like a send (write permission, topic name, system topics,
// auto-create from the default topic, queue id), stores it when storeReplyMessageEnable
// (default true; properties exactly as sent, no CLUSTER added, as Java), and pushes it to the
// requester: the producer connection whose client id is the reply's REPLY_TO_CLIENT gets
// PUSH_REPLY_MESSAGE_TO_CLIENT (326) with ReplyMessageRequestHeader (the properties plus
// PUSH_REPLY_TIME) and the body as sent.
//
// The answer to the responder is a send response whose code is the push's outcome, as in
// Java: SUCCESS when the requester acknowledged the push; SYSTEM_ERROR (1) with Java's
// remark when REPLY_TO_CLIENT is missing, the requester has no connection here ("push reply
// message fail, channel of <id> not found."), or it failed or did not answer within the push
// timeout (Java: 10 s). msgId/queueId/queueOffset name the stored reply when it was stored
// (also on SYSTEM_ERROR: the reply is kept for the requester to find), msgId "0" and offset 0
// when it was pushed but not stored. A failed store is logged and does not change the code
// (Java ignores it too); the response never waits for a SYNC_FLUSH group commit. Java pushes
// first and then stores; here the store comes first (the push is asynchronous), which only
// changes the order of two independent effects.
//
// Thread safety: handlers run on I/O threads and never block: the push is asynchronous and
// the response goes out from its completion. The completion touches only the two channels,
// so it may run after the broker shut down.
#pragma once

#include <chrono>
#include <string>

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class ReplyProcessor {
 public:
  static constexpr std::chrono::milliseconds kDefaultPushTimeout{10000};

  explicit ReplyProcessor(BrokerContext* ctx,
                          std::chrono::milliseconds push_timeout = kDefaultPushTimeout)
      : ctx_(ctx), push_timeout_(push_timeout) {}
  void Register(remoting::HandlerTable& table);

 private:
  void Handle(const remoting::ChannelPtr& channel, remoting::RemotingCommand request,
              std::string body);
  // The live producer connection of `client_id` (the most recently refreshed), or null.
  remoting::ChannelPtr FindProducerChannel(const std::string& client_id) const;

  BrokerContext* const ctx_;
  const std::chrono::milliseconds push_timeout_;
};

}  // namespace tern::broker
