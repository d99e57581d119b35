// admin_stats_processor.h: the read-only statistics codes mqadmin and the dashboard use
// (protocol.md 2.7): GET_TOPIC_STATS_INFO (202), GET_CONSUME_STATS (208),
// GET_BROKER_CONSUME_STATS (317), VIEW_BROKER_STATS_DATA (315), QUERY_CONSUME_TIME_SPAN (303),
// QUERY_CONSUME_QUEUE (321) and QUERY_CORRECTION_OFFSET (308).
//
// Bodies are Java 4.8's beans as fastjson writes them (bean fields alphabetical, MessageQueue
// map keys as JSON objects: server/protocol/reset_offset_body.h). Every figure comes from the
// store, the offset table, the client registry and BrokerStats at the time of the request.
//
// Thread safety: stateless besides the context; handlers run on I/O threads and never block
// (store reads are in-memory ConsumeQueue/CommitLog look-ups). GET_BROKER_CONSUME_STATS walks
// every group, so it runs on the broker's admin worker (BrokerContext::run_slow).
#pragma once

#include <cstdint>
#include <string>

#include "server/broker/broker_context.h"
#include "server/broker/broker_stats.h"
#include "server/protocol/json_writer.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class AdminStatsProcessor {
 public:
  // `stats` must outlive the processor.
  AdminStatsProcessor(BrokerContext* ctx, const BrokerStats* stats) : ctx_(ctx), stats_(stats) {}
  void Register(remoting::HandlerTable& table);

 private:
  // Writes the OffsetWrapper entries of (group, topic) for queues [0, queues) into an open
  // object; returns their total lag (sum of brokerOffset - consumerOffset).
  int64_t WriteOffsetEntries(protocol::JsonWriter& w, const std::string& group,
                             const std::string& topic, int32_t queues) const;
  void TopicStats(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void ConsumeStats(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void BrokerConsumeStats(const remoting::ChannelPtr& channel,
                          const remoting::RemotingCommand& request);
  void BrokerConsumeStatsNow(const remoting::ChannelPtr& channel,
                             const remoting::RemotingCommand& request);
  void ViewStats(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void ConsumeTimeSpan(const remoting::ChannelPtr& channel,
                       const remoting::RemotingCommand& request);
  void ConsumeQueue(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request);
  void CorrectionOffset(const remoting::ChannelPtr& channel,
                        const remoting::RemotingCommand& request);

  // Whether GET_CONSUME_STATS-like codes report `topic` for `group`: an online group with
  // subscriptions reports only the topics it subscribes to (Java's rule).
  bool GroupReportsTopic(const std::string& group, const std::string& topic) const;

  BrokerContext* const ctx_;
  const BrokerStats* const stats_;
};

}  // namespace tern::broker
