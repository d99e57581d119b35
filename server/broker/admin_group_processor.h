// admin_group_processor.h: admin codes about consumer groups, client connections and queue
// housekeeping (protocol.md 2.7): GET_CONSUMER_CONNECTION_LIST (203),
// GET_PRODUCER_CONNECTION_LIST (204), QUERY_TOPIC_CONSUME_BY_WHO (300),
// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201), DELETE_SUBSCRIPTIONGROUP (207),
// GET_ALL_CONSUMER_OFFSET (43), GET_ALL_DELAY_OFFSET (45), GET_SYSTEM_TOPIC_LIST_FROM_BROKER
// (305), CLEAN_EXPIRED_CONSUMEQUEUE (306), CLEAN_UNUSED_TOPIC (316), CLONE_GROUP_OFFSET (314).
//
// Bodies are Java 4.8's beans as fastjson writes them. Write codes (207, 306, 316, 314) are
// loopback-only unless adminAllowRemote (CheckAdminAllowed). 306 and 316 destroy ConsumeQueue
// files of topics that have no config on the calling I/O thread (rare admin calls; no fsync).
//
// Thread safety: stateless besides the context; handlers run on I/O threads.
#pragma once

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class AdminGroupProcessor {
 public:
  explicit AdminGroupProcessor(BrokerContext* ctx) : ctx_(ctx) {}
  void Register(remoting::HandlerTable& table);

 private:
  void ConsumerConnections(const remoting::ChannelPtr& channel,
                           const remoting::RemotingCommand& request);
  void ProducerConnections(const remoting::ChannelPtr& channel,
                           const remoting::RemotingCommand& request);
  void TopicConsumedByWho(const remoting::ChannelPtr& channel,
                          const remoting::RemotingCommand& request);
  void AllGroups(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void DeleteGroup(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void AllConsumerOffsets(const remoting::ChannelPtr& channel,
                          const remoting::RemotingCommand& request);
  void AllDelayOffsets(const remoting::ChannelPtr& channel,
                       const remoting::RemotingCommand& request);
  void SystemTopics(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void CleanExpiredQueues(const remoting::ChannelPtr& channel,
                          const remoting::RemotingCommand& request);
  void CleanUnusedTopics(const remoting::ChannelPtr& channel,
                         const remoting::RemotingCommand& request);
  void CloneGroupOffset(const remoting::ChannelPtr& channel,
                        const remoting::RemotingCommand& request);

  BrokerContext* const ctx_;
};

}  // namespace tern::broker
