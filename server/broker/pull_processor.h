// pull_processor.h: PULL_MESSAGE (11) with long polling.
//
// Checks (protocol.md 2.5): broker/topic readable, group config (auto-created), consume
// enabled, queue id, subscription from the request (SUBSCRIPTION bit) or from heartbeats
// (24 / 25 otherwise). SQL92 subscriptions filter on message properties: refused with 1 when
// enablePropertyFilter is off, 23 when the expression does not compile (compiled expressions
// come from the broker's SqlFilterCache). Reads through the store (tag filter on the
// ConsumeQueue, property filter on the record), maps the store status to RocketMQ's codes
// with the four mandatory header fields, commits the offset when asked, and answers with the
// stored records as zero-copy views. A pull that finds
// nothing (19) with the SUSPEND bit is parked in the PullHoldService and answered when a
// matching message arrives or its suspend time ends.
//
// Thread safety: handlers run on I/O threads; re-runs are posted to I/O threads too.
#pragma once

#include <memory>

#include "server/broker/broker_context.h"
#include "server/broker/pull_hold.h"
#include "server/remoting/handler.h"

namespace tern::broker {

inline constexpr int32_t kPullFlagCommitOffset = 0x1;
inline constexpr int32_t kPullFlagSuspend = 0x2;
inline constexpr int32_t kPullFlagSubscription = 0x4;

class PullProcessor {
 public:
  explicit PullProcessor(BrokerContext* ctx);
  ~PullProcessor();
  void Register(remoting::HandlerTable& table);
  void Start();
  void Stop();

  // The dispatch listener hook: wakes parked pulls of this queue that want the message.
  void OnArrival(std::string_view topic, int32_t queue_id, int64_t max_offset, int64_t tags_code,
                 std::string_view properties) {
    hold_.OnArrival(topic, queue_id, max_offset, tags_code, properties);
  }
  size_t parked() const { return hold_.parked(); }

 private:
  void Handle(const remoting::ChannelPtr& channel, remoting::RemotingCommand request);
  // `first_pass`: the original request (may commit and park); false for a re-run.
  void Process(const remoting::ChannelPtr& channel, remoting::RemotingCommand request,
               const remoting::PullMessageRequestHeader& header,
               std::shared_ptr<const engine::MessageFilter> filter, bool first_pass);

  BrokerContext* const ctx_;
  PullHoldService hold_;
};

}  // namespace tern::broker
