#include "server/broker/admin_group_processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/base/strings.h"
#include "engine/consume_queue.h"
#include "engine/delay_levels.h"
#include "engine/file_system.h"
#include "server/protocol/json_writer.h"
#include "server/protocol/subscription.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"

namespace tern::broker {

namespace code = remoting::response;
namespace req = remoting::request;
using protocol::JsonWriter;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

namespace {

void SendBody(const ChannelPtr& channel, const RemotingCommand& request, std::string body) {
  channel->Send(RemotingCommand::ResponseTo(request, code::kSuccess), std::move(body));
}

void BadHeader(const ChannelPtr& channel, const RemotingCommand& request, const absl::Status& s) {
  Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
}

void WriteConnection(JsonWriter& w, const ClientChannel& c) {
  w.BeginObject();
  w.Key("clientAddr");
  w.String(c.channel ? c.channel->remote_address() : "");
  w.Key("clientId");
  w.String(c.client_id);
  w.Key("language");
  w.String(remoting::LanguageName(c.language));
  w.Key("version");
  w.Int(c.version);
  w.EndObject();
}

}  // namespace

void AdminGroupProcessor::Register(remoting::HandlerTable& table) {
  auto bind = [this](auto method) {
    return [this, method](const ChannelPtr& c, RemotingCommand r, std::string) {
      (this->*method)(c, r);
    };
  };
  table.Register(req::kGetConsumerConnectionList, bind(&AdminGroupProcessor::ConsumerConnections));
  table.Register(req::kGetProducerConnectionList, bind(&AdminGroupProcessor::ProducerConnections));
  table.Register(req::kQueryTopicConsumeByWho, bind(&AdminGroupProcessor::TopicConsumedByWho));
  table.Register(req::kGetAllSubscriptionGroupConfig, bind(&AdminGroupProcessor::AllGroups));
  table.Register(req::kDeleteSubscriptionGroup, bind(&AdminGroupProcessor::DeleteGroup));
  table.Register(req::kGetAllConsumerOffset, bind(&AdminGroupProcessor::AllConsumerOffsets));
  table.Register(req::kGetAllDelayOffset, bind(&AdminGroupProcessor::AllDelayOffsets));
  table.Register(req::kGetSystemTopicListFromBroker, bind(&AdminGroupProcessor::SystemTopics));
  table.Register(req::kCleanExpiredConsumequeue, bind(&AdminGroupProcessor::CleanExpiredQueues));
  table.Register(req::kCleanUnusedTopic, bind(&AdminGroupProcessor::CleanUnusedTopics));
  table.Register(req::kCloneGroupOffset, bind(&AdminGroupProcessor::CloneGroupOffset));
}

// GET_CONSUMER_CONNECTION_LIST: ConsumerConnection, or 206 when the group has no live member.
void AdminGroupProcessor::ConsumerConnections(const ChannelPtr& channel,
                                              const RemotingCommand& request) {
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "consumerGroup");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  std::optional<ConsumerGroupInfo> info = ctx_->clients->Consumer(*group);
  if (!info || info->channels.empty()) {
    return Reply(channel, request, code::kConsumerNotOnline,
                 fmt::format("the consumer group[{}] not online", *group));
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("connectionSet");
  w.BeginArray();
  for (const auto& [id, c] : info->channels) WriteConnection(w, c);
  w.EndArray();
  w.Key("consumeFromWhere");
  w.String(info->consume_from_where);
  w.Key("consumeType");
  w.String(info->consume_type);
  w.Key("messageModel");
  w.String(info->message_model);
  w.Key("subscriptionTable");
  w.BeginObject();
  for (const auto& [topic, sub] : info->subscriptions) {
    w.Key(topic);
    protocol::WriteSubscriptionJson(w, sub);
  }
  w.EndObject();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// GET_PRODUCER_CONNECTION_LIST: ProducerConnection, or 1 when no producer of the group is known.
void AdminGroupProcessor::ProducerConnections(const ChannelPtr& channel,
                                              const RemotingCommand& request) {
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "producerGroup");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  const std::vector<ClientChannel> producers = ctx_->clients->Producers(*group);
  if (producers.empty()) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("the producer group[{}] not exist", *group));
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("connectionSet");
  w.BeginArray();
  for (const ClientChannel& c : producers) WriteConnection(w, c);
  w.EndArray();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// QUERY_TOPIC_CONSUME_BY_WHO: online groups subscribed to the topic plus groups with offsets.
void AdminGroupProcessor::TopicConsumedByWho(const ChannelPtr& channel,
                                             const RemotingCommand& request) {
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return BadHeader(channel, request, topic.status());
  std::set<std::string> groups;
  for (std::string& g : ctx_->clients->ConsumerGroupsOfTopic(*topic)) groups.insert(std::move(g));
  for (std::string& g : ctx_->offsets->GroupsOf(*topic)) groups.insert(std::move(g));
  JsonWriter w;
  w.BeginObject();
  w.Key("groupList");
  w.BeginArray();
  for (const std::string& g : groups) w.String(g);
  w.EndArray();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// GET_ALL_SUBSCRIPTIONGROUP_CONFIG: SubscriptionGroupWrapper.
void AdminGroupProcessor::AllGroups(const ChannelPtr& channel, const RemotingCommand& request) {
  const SubscriptionGroupFile snap = ctx_->groups->Snapshot();
  JsonWriter w;
  w.BeginObject();
  w.Key("dataVersion");
  w.BeginObject();
  w.Key("counter");
  w.Int(snap.data_version.counter);
  w.Key("timestamp");
  w.Int(snap.data_version.timestamp);
  w.EndObject();
  w.Key("subscriptionGroupTable");
  w.BeginObject();
  for (const auto& [name, g] : snap.subscription_group_table) {
    w.Key(name);
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
    w.String(g.group_name.empty() ? name : g.group_name);
    w.Key("notifyConsumerIdsChangedEnable");
    w.Bool(g.notify_consumer_ids_changed_enable);
    w.Key("retryMaxTimes");
    w.Int(g.retry_max_times);
    w.Key("retryQueueNums");
    w.Int(g.retry_queue_nums);
    w.Key("whichBrokerWhenConsumeSlowly");
    w.Int(g.which_broker_when_consume_slowly);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// DELETE_SUBSCRIPTIONGROUP: removes the group's config (0 even when it did not exist, as Java);
// with removeOffset=true (newer mqadmin) also its committed offsets.
void AdminGroupProcessor::DeleteGroup(const ChannelPtr& channel, const RemotingCommand& request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "groupName");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  spdlog::info("deleteSubscriptionGroup {} called by {}", *group, channel->remote_address());
  absl::StatusOr<bool> deleted = ctx_->groups->Delete(*group);
  if (!deleted.ok()) {
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(deleted.status())));
  }
  if (remoting::OptionalBool(request, "removeOffset", false)) ctx_->offsets->RemoveGroup(*group);
  Reply(channel, request, code::kSuccess, "");
}

// GET_ALL_CONSUMER_OFFSET: the consumerOffset.json content (slave sync).
void AdminGroupProcessor::AllConsumerOffsets(const ChannelPtr& channel,
                                             const RemotingCommand& request) {
  std::string content = ctx_->offsets->Encode();
  if (content.empty()) {
    return Reply(channel, request, code::kSystemError, "No consumer offset in this broker");
  }
  SendBody(channel, request, std::move(content));
}

// GET_ALL_DELAY_OFFSET: the delayOffset.json content the schedule service keeps.
void AdminGroupProcessor::AllDelayOffsets(const ChannelPtr& channel,
                                          const RemotingCommand& request) {
  const std::string path = engine::JoinPath(
      engine::JoinPath(ctx_->config->store_path_root_dir, "config"), "delayOffset.json");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  if (in) ss << in.rdbuf();
  std::string content = ss.str();
  if (content.empty()) {
    return Reply(channel, request, code::kSystemError, "No delay offset in this broker");
  }
  SendBody(channel, request, std::move(content));
}

// GET_SYSTEM_TOPIC_LIST_FROM_BROKER: TopicList of the broker's system topics.
void AdminGroupProcessor::SystemTopics(const ChannelPtr& channel, const RemotingCommand& request) {
  JsonWriter w;
  w.BeginObject();
  w.Key("topicList");
  w.BeginArray();
  for (const std::string& t : ctx_->topics->TopicNames()) {
    if (IsSystemTopic(t, *ctx_->config)) w.String(t);
  }
  w.EndArray();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// CLEAN_EXPIRED_CONSUMEQUEUE: drops the ConsumeQueues of unconfigured topics whose every unit
// points below the CommitLog's minimum (their messages are gone). Unlike Java, queues of
// configured topics are kept: destroying them would restart their queue offsets at 0 under
// consumers that remember larger ones.
void AdminGroupProcessor::CleanExpiredQueues(const ChannelPtr& channel,
                                             const RemotingCommand& request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  const int64_t min_phys = ctx_->store->stats().commit_log_min_offset;
  std::map<std::string, bool> expired;  // topic -> every queue expired
  for (const std::shared_ptr<engine::ConsumeQueue>& cq : ctx_->store->queues().All()) {
    const bool gone = cq->max_physical_end() <= min_phys;
    auto [it, inserted] = expired.emplace(cq->topic(), gone);
    if (!inserted) it->second = it->second && gone;
  }
  int removed = 0;
  for (const auto& [topic, gone] : expired) {
    if (!gone || ctx_->topics->Find(topic).has_value()) continue;
    if (absl::Status s = ctx_->store->DeleteTopic(topic); !s.ok()) {
      return Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
    }
    ++removed;
  }
  spdlog::info("cleanExpiredConsumeQueue by {}: {} topics' queues removed",
               channel->remote_address(), removed);
  Reply(channel, request, code::kSuccess, "");
}

// CLEAN_UNUSED_TOPIC: drops the ConsumeQueues of topics that have no config (Java keeps
// SCHEDULE_TOPIC_XXXX and the transaction op topic; Tern keeps every system topic).
void AdminGroupProcessor::CleanUnusedTopics(const ChannelPtr& channel,
                                            const RemotingCommand& request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  int removed = 0;
  for (const std::string& topic : ctx_->store->queues().Topics()) {
    if (topic == engine::kScheduleTopic || topic == kTransOpHalfTopic ||
        IsSystemTopic(topic, *ctx_->config) || ctx_->topics->Find(topic).has_value()) {
      continue;
    }
    if (absl::Status s = ctx_->store->DeleteTopic(topic); !s.ok()) {
      return Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
    }
    ++removed;
  }
  spdlog::info("cleanUnusedTopic by {}: {} topics' queues removed", channel->remote_address(),
               removed);
  Reply(channel, request, code::kSuccess, "");
}

// CLONE_GROUP_OFFSET: copies srcGroup's committed offsets to destGroup for `topic` (or every
// topic srcGroup has offsets for). Topics without config are skipped, and unless `offline`,
// topics an online srcGroup does not subscribe to.
void AdminGroupProcessor::CloneGroupOffset(const ChannelPtr& channel,
                                           const RemotingCommand& request) {
  if (!CheckAdminAllowed(*ctx_, channel, request)) return;
  absl::StatusOr<std::string> src = remoting::RequiredString(request, "srcGroup");
  if (!src.ok()) return BadHeader(channel, request, src.status());
  absl::StatusOr<std::string> dest = remoting::RequiredString(request, "destGroup");
  if (!dest.ok()) return BadHeader(channel, request, dest.status());
  const std::string topic = remoting::OptionalString(request, "topic").value_or("");
  const bool offline = remoting::OptionalBool(request, "offline", false);
  std::vector<std::string> topics;
  if (topic.find_first_not_of(" \t") == std::string::npos) {
    topics = ctx_->offsets->TopicsOf(*src);
  } else {
    topics.push_back(topic);
  }
  std::optional<ConsumerGroupInfo> online = ctx_->clients->Consumer(*src);
  for (const std::string& t : topics) {
    if (!ctx_->topics->Find(t)) {
      spdlog::warn("[cloneGroupOffset], topic config not exist, {}", t);
      continue;
    }
    if (!offline && online && !online->subscriptions.empty() &&
        online->subscriptions.count(t) == 0) {
      spdlog::warn("[cloneGroupOffset], the consumer group[{}], topic[{}] not exist", *src, t);
      continue;
    }
    for (const auto& [q, off] : ctx_->offsets->QueryAll(*src, t)) {
      ctx_->offsets->Commit(*dest, t, q, off);
    }
  }
  Reply(channel, request, code::kSuccess, "");
}

}  // namespace tern::broker
