// send_check.h: the checks every send-like request passes before anything is stored (Java's
// AbstractSendMessageProcessor.msgCheck): SEND_MESSAGE(_V2), SEND_BATCH_MESSAGE and
// SEND_REPLY_MESSAGE(_V2) share them.
//
// Broker write permission, the topic name, topics that take no sends, auto-creation from the
// request's default topic (a %RETRY% topic is created even without one), the topic's write
// permission, and the queue id (a negative one picks a random writable queue).
//
// Thread safety: as the BrokerContext it reads; runs on I/O threads and never blocks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/broker/broker_context.h"
#include "server/broker/topic_config_manager.h"
#include "server/remoting/headers/send.h"

namespace tern::broker {

// Either a target (code 0) or a refusal: a RocketMQ response code and Java's remark.
struct SendCheck {
  int32_t code = 0;
  std::string remark;
  TopicConfig topic;
  int32_t queue_id = 0;
  bool ok() const { return code == 0; }
};

// A uniformly random queue id in [0, n) (0 when n <= 0); thread-safe (a generator per thread).
int32_t RandomQueue(int32_t n);

// `remote` names the producer in the remarks.
SendCheck CheckSendTarget(BrokerContext& ctx, const remoting::SendMessageRequestHeader& header,
                          std::string_view remote);

}  // namespace tern::broker
