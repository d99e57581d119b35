// send_back_processor.h: CONSUMER_SEND_MSG_BACK (36) — a consumer returns a message it failed
// to consume (protocol.md 2.5, 7.3; Java 4.8's SendMessageProcessor.consumerSendMsgBack).
//
// The group must exist (auto-created when autoCreateSubscriptionGroup is on; otherwise 26);
// %RETRY%<group> is created if needed; the message is looked up by its CommitLog offset (1
// when gone). A new record is stored with reconsumeTimes + 1, RETRY_TOPIC = the original topic
// (kept from the first retry on), ORIGIN_MESSAGE_ID = the existing one or the original's
// offset message id, WAIT=false, and then either
//  - into %DLQ%<group> queue 0 (one queue, perm 2: never consumed automatically) when its
//    reconsume times reached maxReconsumeTimes (the client's value when the request version
//    is >= 121, else the group's retryMaxTimes) or the client asked for it (delayLevel < 0),
//    without DELAY; or
//  - into %RETRY%<group> (a random queue) through the delay level `delayLevel`, or
//    3 + reconsumeTimes when that is 0, clamped to the highest level: it is parked in
//    SCHEDULE_TOPIC_XXXX until due (schedule_service.h).
// retryQueueNums <= 0 answers 0 and stores nothing, as Java.
//
// Thread safety: handlers run on I/O threads; the processor holds no mutable state.
#pragma once

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class SendBackProcessor {
 public:
  explicit SendBackProcessor(BrokerContext* ctx) : ctx_(ctx) {}
  void Register(remoting::HandlerTable& table);

 private:
  void Handle(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);

  BrokerContext* const ctx_;
};

}  // namespace tern::broker
