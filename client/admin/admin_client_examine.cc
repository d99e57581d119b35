// AdminClient: mqadmin's aggregates over a topic's or a group's route (DefaultMQAdminExtImpl).
#include <fmt/format.h>

#include <set>

#include "client/admin/admin_client.h"
#include "client/status_codes.h"
#include "engine/base/status.h"
#include "server/remoting/codes.h"

namespace tern::client::admin {

namespace code = remoting::response;

namespace {
std::string RetryTopic(const std::string& group) { return "%RETRY%" + group; }
}  // namespace

absl::StatusOr<TopicStatsTable> AdminClient::ExamineTopicStats(const std::string& topic) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(topic));
  TopicStatsTable merged;
  for (const auto& [name, addr] : brokers) {
    TERN_ASSIGN_OR_RETURN(TopicStatsTable t, TopicStats(addr, topic));
    merged.offset_table.merge(t.offset_table);
  }
  if (merged.offset_table.empty()) {
    return absl::NotFoundError(fmt::format("no broker has stats of topic {}", topic));
  }
  return merged;
}

absl::StatusOr<ConsumeStats> AdminClient::ExamineConsumeStats(const std::string& group,
                                                              const std::string& topic) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(RetryTopic(group)));
  ConsumeStats merged;
  for (const auto& [name, addr] : brokers) {
    TERN_ASSIGN_OR_RETURN(ConsumeStats s, GetConsumeStats(addr, group, topic));
    merged.offset_table.merge(s.offset_table);
    merged.consume_tps += s.consume_tps;
  }
  if (merged.offset_table.empty()) {
    return BrokerError(code::kConsumerNotOnline,
                       "no consume stats: the offset table is empty, maybe the group has not "
                       "consumed any message",
                       fmt::format("consume stats of group {}", group));
  }
  return merged;
}

absl::StatusOr<ConsumerConnection> AdminClient::ExamineConsumerConnection(
    const std::string& group) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(RetryTopic(group)));
  if (brokers.empty()) {
    return BrokerError(code::kConsumerNotOnline, "no broker in the retry topic's route",
                       fmt::format("consumer connection of group {}", group));
  }
  TERN_ASSIGN_OR_RETURN(ConsumerConnection c, GetConsumerConnection(brokers.front().second, group));
  if (c.connection_set.empty()) {
    return BrokerError(code::kConsumerNotOnline, "the consumer group has no connection",
                       fmt::format("consumer connection of group {}", group));
  }
  return c;
}

absl::StatusOr<ProducerConnection> AdminClient::ExamineProducerConnection(
    const std::string& group, const std::string& topic) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(topic));
  if (brokers.empty()) return absl::NotFoundError(fmt::format("topic {} has no broker", topic));
  TERN_ASSIGN_OR_RETURN(ProducerConnection p, GetProducerConnection(brokers.front().second, group));
  if (p.connection_set.empty()) {
    return absl::NotFoundError(fmt::format("producer group {} has no connection", group));
  }
  return p;
}

absl::StatusOr<ConsumerRunningInfo> AdminClient::ExamineConsumerRunningInfo(
    const std::string& group, const std::string& client_id) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(RetryTopic(group)));
  if (brokers.empty()) {
    return absl::NotFoundError(fmt::format("group {} has no broker in its route", group));
  }
  return GetConsumerRunningInfo(brokers.front().second, group, client_id, /*jstack=*/false);
}

absl::StatusOr<GroupList> AdminClient::QueryTopicConsumeByWho(const std::string& topic) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(topic));
  if (brokers.empty()) return absl::NotFoundError(fmt::format("topic {} has no broker", topic));
  return TopicConsumedBy(brokers.front().second, topic);
}

absl::StatusOr<std::vector<std::string>> AdminClient::TopicClusterList(const std::string& topic) {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, ClusterInfo());
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, TopicRoute(topic));
  std::set<std::string> clusters;
  if (!route.broker_datas.empty()) {
    const std::string& first = route.broker_datas.front().broker_name;
    for (const auto& [cluster, names] : info.cluster_addr_table) {
      if (names.count(first) > 0) clusters.insert(cluster);
    }
  }
  return std::vector<std::string>(clusters.begin(), clusters.end());
}

absl::StatusOr<std::map<MessageQueue, int64_t>> AdminClient::ResetOffsetByTimestamp(
    const std::string& topic, const std::string& group, int64_t timestamp, bool force, bool cpp) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(topic));
  std::map<MessageQueue, int64_t> all;
  for (const auto& [name, addr] : brokers) {
    TERN_ASSIGN_OR_RETURN(auto table, ResetOffsetByTime(addr, topic, group, timestamp, force, cpp));
    all.merge(table);
  }
  return all;
}

absl::StatusOr<AdminClient::ConsumerStatusTable> AdminClient::ExamineConsumerStatus(
    const std::string& topic, const std::string& group, const std::string& client_id) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(topic));
  ConsumerStatusTable all;
  for (const auto& [name, addr] : brokers) {
    TERN_ASSIGN_OR_RETURN(ConsumerStatusTable one,
                          GetConsumerStatus(addr, topic, group, client_id));
    for (auto& [id, table] : one) all[id].merge(table);
  }
  return all;
}

absl::StatusOr<std::vector<RollbackStats>> AdminClient::ResetOffsetOffline(const std::string& group,
                                                                           const std::string& topic,
                                                                           int64_t timestamp,
                                                                           bool force) {
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, TopicRoute(topic));
  std::vector<RollbackStats> out;
  for (const protocol::BrokerData& b : route.broker_datas) {
    std::optional<std::string> addr = SelectBrokerAddr(b);
    if (!addr) continue;
    // The queues the group has offsets for on this broker; else every queue of the topic,
    // from the topic's stats (max as the broker offset, min as the consumer's).
    TERN_ASSIGN_OR_RETURN(ConsumeStats stats, GetConsumeStats(*addr, group, ""));
    std::map<MessageQueue, OffsetWrapper> queues;
    for (const auto& [mq, o] : stats.offset_table) {
      if (mq.topic == topic) queues[mq] = o;
    }
    if (queues.empty()) {
      TERN_ASSIGN_OR_RETURN(TopicStatsTable t, TopicStats(*addr, topic));
      for (const auto& [mq, o] : t.offset_table) {
        queues[mq] = OffsetWrapper{o.max_offset, o.min_offset, 0};
      }
    }
    for (const auto& [mq, o] : queues) {
      RollbackStats r;
      r.queue = mq;
      r.broker_offset = o.broker_offset;
      r.consumer_offset = o.consumer_offset;
      TERN_ASSIGN_OR_RETURN(r.timestamp_offset,
                            timestamp == -1 ? MaxOffset(mq) : SearchOffset(mq, timestamp));
      r.rollback_offset = o.consumer_offset;
      if (force || r.timestamp_offset <= o.consumer_offset) {
        r.rollback_offset = r.timestamp_offset;
        TERN_RETURN_IF_ERROR(UpdateConsumerOffset(*addr, group, mq, r.timestamp_offset));
      }
      out.push_back(r);
    }
  }
  return out;
}

absl::Status AdminClient::CloneGroupOffsetAll(const std::string& src_group,
                                              const std::string& dest_group,
                                              const std::string& topic, bool offline) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(RetryTopic(src_group)));
  for (const auto& [name, addr] : brokers) {
    TERN_RETURN_IF_ERROR(CloneGroupOffset(addr, src_group, dest_group, topic, offline));
  }
  return absl::OkStatus();
}

}  // namespace tern::client::admin
