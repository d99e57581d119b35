// AdminClient: calls addressed to one broker.
#include <fmt/format.h>

#include "client/admin/admin_client.h"
#include "client/offset_api.h"
#include "engine/base/status.h"
#include "server/protocol/json_writer.h"
#include "server/protocol/reset_offset_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"
#include "server/remoting/headers/admin.h"
#include "server/remoting/headers/offset.h"

namespace tern::client::admin {

namespace req = remoting::request;
using remoting::PutBool;
using remoting::PutInt;
using remoting::PutString;
using remoting::RemotingCommand;

absl::Status AdminClient::CreateTopic(const std::string& addr, const TopicConfig& config) {
  RemotingCommand cmd = RemotingCommand::Request(req::kUpdateAndCreateTopic, 0);
  remoting::CreateTopicRequestHeader h;
  h.topic = config.topic_name;
  h.default_topic = "TBW102";
  h.read_queue_nums = config.read_queue_nums;
  h.write_queue_nums = config.write_queue_nums;
  h.perm = config.perm;
  h.topic_filter_type = config.topic_filter_type;
  h.topic_sys_flag = config.topic_sys_flag;
  h.order = config.order;
  h.WriteTo(cmd.MutableFields());
  return Call(Peer::kBroker, addr, std::move(cmd), "",
              fmt::format("UPDATE_AND_CREATE_TOPIC (17) of {}", config.topic_name))
      .status();
}

absl::Status AdminClient::DeleteTopicInBroker(const std::string& addr, const std::string& topic) {
  RemotingCommand cmd = RemotingCommand::Request(req::kDeleteTopicInBroker, 0);
  remoting::DeleteTopicRequestHeader h;
  h.topic = topic;
  h.WriteTo(cmd.MutableFields());
  return Call(Peer::kBroker, addr, std::move(cmd), "",
              fmt::format("DELETE_TOPIC_IN_BROKER (215) of {}", topic))
      .status();
}

absl::StatusOr<protocol::TopicConfigSerializeWrapper> AdminClient::AllTopicConfig(
    const std::string& addr) {
  TERN_ASSIGN_OR_RETURN(net::Response r, Call(Peer::kBroker, addr,
                                              RemotingCommand::Request(req::kGetAllTopicConfig, 0),
                                              "", "GET_ALL_TOPIC_CONFIG (21)"));
  return protocol::TopicConfigSerializeWrapper::Decode(r.body);
}

absl::StatusOr<TopicStatsTable> AdminClient::TopicStats(const std::string& addr,
                                                        const std::string& topic) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetTopicStatsInfo, 0);
  PutString(cmd.MutableFields(), "topic", topic);
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Call(Peer::kBroker, addr, std::move(cmd), "",
                             fmt::format("GET_TOPIC_STATS_INFO (202) of {}", topic)));
  return TopicStatsTable::Decode(r.body);
}

absl::StatusOr<ConsumeStats> AdminClient::GetConsumeStats(const std::string& addr,
                                                          const std::string& group,
                                                          const std::string& topic) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetConsumeStats, 0);
  PutString(cmd.MutableFields(), "consumerGroup", group);
  if (!topic.empty()) PutString(cmd.MutableFields(), "topic", topic);
  TERN_ASSIGN_OR_RETURN(net::Response r, Call(Peer::kBroker, addr, std::move(cmd), "",
                                              fmt::format("GET_CONSUME_STATS (208) of {}", group)));
  return ConsumeStats::Decode(r.body);
}

absl::StatusOr<ConsumerConnection> AdminClient::GetConsumerConnection(const std::string& addr,
                                                                      const std::string& group) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetConsumerConnectionList, 0);
  PutString(cmd.MutableFields(), "consumerGroup", group);
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Call(Peer::kBroker, addr, std::move(cmd), "",
                             fmt::format("GET_CONSUMER_CONNECTION_LIST (203) of {}", group)));
  return ConsumerConnection::Decode(r.body);
}

absl::StatusOr<ProducerConnection> AdminClient::GetProducerConnection(const std::string& addr,
                                                                      const std::string& group) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetProducerConnectionList, 0);
  PutString(cmd.MutableFields(), "producerGroup", group);
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Call(Peer::kBroker, addr, std::move(cmd), "",
                             fmt::format("GET_PRODUCER_CONNECTION_LIST (204) of {}", group)));
  return ProducerConnection::Decode(r.body);
}

absl::StatusOr<ConsumerRunningInfo> AdminClient::GetConsumerRunningInfo(
    const std::string& addr, const std::string& group, const std::string& client_id, bool jstack) {
  RemotingCommand cmd = RemotingCommand::Request(req::kGetConsumerRunningInfo, 0);
  PutString(cmd.MutableFields(), "consumerGroup", group);
  PutString(cmd.MutableFields(), "clientId", client_id);
  PutBool(cmd.MutableFields(), "jstackEnable", jstack);
  TERN_ASSIGN_OR_RETURN(
      net::Response r,
      Call(Peer::kBroker, addr, std::move(cmd), "",
           fmt::format("GET_CONSUMER_RUNNING_INFO (307) of {} client {}", group, client_id)));
  return ConsumerRunningInfo::Decode(r.body);
}

absl::StatusOr<GroupList> AdminClient::TopicConsumedBy(const std::string& addr,
                                                       const std::string& topic) {
  RemotingCommand cmd = RemotingCommand::Request(req::kQueryTopicConsumeByWho, 0);
  PutString(cmd.MutableFields(), "topic", topic);
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Call(Peer::kBroker, addr, std::move(cmd), "",
                             fmt::format("QUERY_TOPIC_CONSUME_BY_WHO (300) of {}", topic)));
  return GroupList::Decode(r.body);
}

absl::StatusOr<ConsumeMessageDirectlyResult> AdminClient::ConsumeMessageDirectly(
    const std::string& addr, const std::string& group, const std::string& client_id,
    const std::string& offset_msg_id) {
  RemotingCommand cmd = RemotingCommand::Request(req::kConsumeMessageDirectly, 0);
  PutString(cmd.MutableFields(), "consumerGroup", group);
  PutString(cmd.MutableFields(), "clientId", client_id);
  PutString(cmd.MutableFields(), "msgId", offset_msg_id);
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Call(Peer::kBroker, addr, std::move(cmd), "",
                             fmt::format("CONSUME_MESSAGE_DIRECTLY (309) of {} by {} {}",
                                         offset_msg_id, group, client_id)));
  return ConsumeMessageDirectlyResult::Decode(r.body);
}

absl::Status AdminClient::CreateSubscriptionGroup(const std::string& addr,
                                                  const SubscriptionGroupConfig& g) {
  protocol::JsonWriter w;  // Java's SubscriptionGroupConfig bean, fields in fastjson's order
  w.BeginObject();
  w.Key("brokerId");
  w.Int(g.broker_id);
  w.Key("consumeBroadcastEnable");
  w.Bool(g.consume_broadcast_enable);
  w.Key("consumeEnable");
  w.Bool(g.consume_enable);
  w.Key("consumeFromMinEnable");
  w.Bool(g.consume_from_min_enable);
  w.Key("groupName");
  w.String(g.group_name);
  w.Key("notifyConsumerIdsChangedEnable");
  w.Bool(g.notify_consumer_ids_changed_enable);
  w.Key("retryMaxTimes");
  w.Int(g.retry_max_times);
  w.Key("retryQueueNums");
  w.Int(g.retry_queue_nums);
  w.Key("whichBrokerWhenConsumeSlowly");
  w.Int(g.which_broker_when_consume_slowly);
  w.EndObject();
  return Call(Peer::kBroker, addr,
              RemotingCommand::Request(req::kUpdateAndCreateSubscriptionGroup, 0),
              std::move(w).Finish(),
              fmt::format("UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) of {}", g.group_name))
      .status();
}

absl::Status AdminClient::DeleteSubscriptionGroup(const std::string& addr, const std::string& group,
                                                  bool remove_offset) {
  RemotingCommand cmd = RemotingCommand::Request(req::kDeleteSubscriptionGroup, 0);
  PutString(cmd.MutableFields(), "groupName", group);
  PutBool(cmd.MutableFields(), "removeOffset", remove_offset);
  return Call(Peer::kBroker, addr, std::move(cmd), "",
              fmt::format("DELETE_SUBSCRIPTIONGROUP (207) of {}", group))
      .status();
}

absl::StatusOr<SubscriptionGroupFile> AdminClient::AllSubscriptionGroups(const std::string& addr) {
  TERN_ASSIGN_OR_RETURN(
      net::Response r,
      Call(Peer::kBroker, addr, RemotingCommand::Request(req::kGetAllSubscriptionGroupConfig, 0),
           "", "GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201)"));
  return SubscriptionGroupFile::Decode(r.body);
}

absl::StatusOr<protocol::KVTable> AdminClient::BrokerRuntimeInfo(const std::string& addr) {
  TERN_ASSIGN_OR_RETURN(
      net::Response r,
      Call(Peer::kBroker, addr, RemotingCommand::Request(req::kGetBrokerRuntimeInfo, 0), "",
           "GET_BROKER_RUNTIME_INFO (28)"));
  return protocol::KVTable::Decode(r.body);
}

absl::StatusOr<protocol::PropertyEntries> AdminClient::BrokerConfig(const std::string& addr) {
  TERN_ASSIGN_OR_RETURN(
      net::Response r, Call(Peer::kBroker, addr, RemotingCommand::Request(req::kGetBrokerConfig, 0),
                            "", "GET_BROKER_CONFIG (26)"));
  return protocol::ParseJavaProperties(r.body);
}

absl::Status AdminClient::UpdateBrokerConfig(const std::string& addr,
                                             const protocol::PropertyEntries& entries) {
  return Call(Peer::kBroker, addr, RemotingCommand::Request(req::kUpdateBrokerConfig, 0),
              protocol::FormatJavaProperties(entries), "UPDATE_BROKER_CONFIG (25)")
      .status();
}

absl::StatusOr<std::map<MessageQueue, int64_t>> AdminClient::ResetOffsetByTime(
    const std::string& addr, const std::string& topic, const std::string& group, int64_t timestamp,
    bool force, bool cpp) {
  RemotingCommand cmd = RemotingCommand::Request(req::kInvokeBrokerToResetOffset, 0);
  PutString(cmd.MutableFields(), "topic", topic);
  PutString(cmd.MutableFields(), "group", group);
  PutInt(cmd.MutableFields(), "timestamp", timestamp);
  PutBool(cmd.MutableFields(), "isForce", force);
  const std::string what =
      fmt::format("INVOKE_BROKER_TO_RESET_OFFSET (222) of {} on {}", group, topic);
  // mqadmin -c: a CPP request makes the broker push the C++ body form to the consumers.
  if (cpp) cmd.language = remoting::LanguageCode::kCpp;
  TERN_ASSIGN_OR_RETURN(net::Response r, Call(Peer::kBroker, addr, std::move(cmd), "", what));
  std::map<MessageQueue, int64_t> out;
  if (r.body.empty()) return out;
  TERN_ASSIGN_OR_RETURN(protocol::ResetOffsetBody body, protocol::ResetOffsetBody::Decode(r.body));
  for (const auto& [mq, offset] : body.offset_table) {
    out[MessageQueue{mq.topic, mq.broker_name, mq.queue_id}] = offset;
  }
  return out;
}

absl::StatusOr<AdminClient::ConsumerStatusTable> AdminClient::GetConsumerStatus(
    const std::string& addr, const std::string& topic, const std::string& group,
    const std::string& client_id) {
  RemotingCommand cmd = RemotingCommand::Request(req::kInvokeBrokerToGetConsumerStatus, 0);
  PutString(cmd.MutableFields(), "topic", topic);
  PutString(cmd.MutableFields(), "group", group);
  PutString(cmd.MutableFields(), "clientAddr", client_id);
  TERN_ASSIGN_OR_RETURN(
      net::Response r,
      Call(Peer::kBroker, addr, std::move(cmd), "",
           fmt::format("INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) of {} on {}", group, topic)));
  ConsumerStatusTable out;
  if (r.body.empty()) return out;
  TERN_ASSIGN_OR_RETURN(protocol::ConsumerStatusBody body,
                        protocol::ConsumerStatusBody::Decode(r.body));
  for (const auto& [id, table] : body.consumer_table) {
    std::map<MessageQueue, int64_t>& dst = out[id];
    for (const auto& [mq, offset] : table) {
      dst[MessageQueue{mq.topic, mq.broker_name, mq.queue_id}] = offset;
    }
  }
  return out;
}

absl::Status AdminClient::CloneGroupOffset(const std::string& addr, const std::string& src_group,
                                           const std::string& dest_group, const std::string& topic,
                                           bool offline) {
  RemotingCommand cmd = RemotingCommand::Request(req::kCloneGroupOffset, 0);
  PutString(cmd.MutableFields(), "srcGroup", src_group);
  PutString(cmd.MutableFields(), "destGroup", dest_group);
  PutString(cmd.MutableFields(), "topic", topic);
  PutBool(cmd.MutableFields(), "offline", offline);
  return Call(Peer::kBroker, addr, std::move(cmd), "",
              fmt::format("CLONE_GROUP_OFFSET (314) {} -> {}", src_group, dest_group))
      .status();
}

absl::Status AdminClient::CleanExpiredConsumeQueue(const std::string& addr) {
  return Call(Peer::kBroker, addr, RemotingCommand::Request(req::kCleanExpiredConsumequeue, 0), "",
              "CLEAN_EXPIRED_CONSUMEQUEUE (306)")
      .status();
}

absl::StatusOr<BrokerStatsData> AdminClient::ViewBrokerStats(const std::string& addr,
                                                             const std::string& stats_name,
                                                             const std::string& stats_key) {
  RemotingCommand cmd = RemotingCommand::Request(req::kViewBrokerStatsData, 0);
  PutString(cmd.MutableFields(), "statsName", stats_name);
  PutString(cmd.MutableFields(), "statsKey", stats_key);
  TERN_ASSIGN_OR_RETURN(net::Response r, Call(Peer::kBroker, addr, std::move(cmd), "",
                                              fmt::format("VIEW_BROKER_STATS_DATA (315) {} {}",
                                                          stats_name, stats_key)));
  return BrokerStatsData::Decode(r.body);
}

absl::Status AdminClient::UpdateConsumerOffset(const std::string& addr, const std::string& group,
                                               const MessageQueue& queue, int64_t offset) {
  RemotingCommand cmd = RemotingCommand::Request(req::kUpdateConsumerOffset, 0);
  remoting::UpdateConsumerOffsetRequestHeader h;
  h.consumer_group = group;
  h.topic = queue.topic;
  h.queue_id = queue.queue_id;
  h.commit_offset = offset;
  h.WriteTo(cmd.MutableFields());
  return Call(Peer::kBroker, addr, std::move(cmd), "",
              fmt::format("UPDATE_CONSUMER_OFFSET (15) of {} on {}", group, queue.ToString()))
      .status();
}

absl::StatusOr<int64_t> AdminClient::MaxOffset(const MessageQueue& queue) {
  return client::MaxOffset(*instance_, queue);
}

absl::StatusOr<int64_t> AdminClient::MinOffset(const MessageQueue& queue) {
  return client::MinOffset(*instance_, queue);
}

absl::StatusOr<int64_t> AdminClient::SearchOffset(const MessageQueue& queue, int64_t timestamp_ms) {
  return client::SearchOffset(*instance_, queue, timestamp_ms);
}

}  // namespace tern::client::admin
