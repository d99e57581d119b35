// consumer_processor.h: client lifecycle and offsets — HEART_BEAT (34), UNREGISTER_CLIENT (35),
// GET_CONSUMER_LIST_BY_GROUP (38), QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15),
// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), SEARCH_OFFSET_BY_TIMESTAMP (29),
// GET_EARLIEST_MSG_STORETIME (32) — and the broker's NOTIFY_CONSUMER_IDS_CHANGED (40) to a
// group whose members or topics changed.
//
// Heartbeats create the group (auto-create) and its %RETRY% topic, re-registering with the
// name servers at once so the consumer can route to it (protocol.md 2.5). The notification
// goes out before the heartbeat's response, as the Java broker does.
//
// Thread safety: handlers run on I/O threads; no mutable state of its own.
#pragma once

#include <string>
#include <vector>

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class ConsumerProcessor {
 public:
  explicit ConsumerProcessor(BrokerContext* ctx) : ctx_(ctx) {}
  void Register(remoting::HandlerTable& table);

  // Sends NOTIFY_CONSUMER_IDS_CHANGED to every connection of `group` (if the group wants it).
  void NotifyConsumerIdsChanged(const std::string& group);

 private:
  void HeartBeat(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                 const std::string& body);
  void UnregisterClient(const remoting::ChannelPtr& channel,
                        const remoting::RemotingCommand& request);
  void ConsumerList(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void QueryOffset(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void UpdateOffset(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void QueueOffsetQuery(const remoting::ChannelPtr& channel,
                        const remoting::RemotingCommand& request);

  BrokerContext* const ctx_;
};

}  // namespace tern::broker
