#include "server/broker/admin_stats_processor.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/consume_queue.h"
#include "server/protocol/reset_offset_body.h"
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

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void SendBody(const ChannelPtr& channel, const RemotingCommand& request, std::string body) {
  channel->Send(RemotingCommand::ResponseTo(request, code::kSuccess), std::move(body));
}

void BadHeader(const ChannelPtr& channel, const RemotingCommand& request, const absl::Status& s) {
  Reply(channel, request, code::kSystemError, std::string(MessageOf(s)));
}

std::string QueueKey(const BrokerContext& ctx, const std::string& topic, int32_t queue_id) {
  return protocol::MessageQueueKeyJson({topic, ctx.config->broker_name, queue_id});
}

}  // namespace

void AdminStatsProcessor::Register(remoting::HandlerTable& table) {
  auto bind = [this](auto method) {
    return [this, method](const ChannelPtr& c, RemotingCommand r, std::string) {
      (this->*method)(c, r);
    };
  };
  table.Register(req::kGetTopicStatsInfo, bind(&AdminStatsProcessor::TopicStats));
  table.Register(req::kGetConsumeStats, bind(&AdminStatsProcessor::ConsumeStats));
  table.Register(req::kGetBrokerConsumeStats, bind(&AdminStatsProcessor::BrokerConsumeStats));
  table.Register(req::kViewBrokerStatsData, bind(&AdminStatsProcessor::ViewStats));
  table.Register(req::kQueryConsumeTimeSpan, bind(&AdminStatsProcessor::ConsumeTimeSpan));
  table.Register(req::kQueryConsumeQueue, bind(&AdminStatsProcessor::ConsumeQueue));
  table.Register(req::kQueryCorrectionOffset, bind(&AdminStatsProcessor::CorrectionOffset));
}

// GET_TOPIC_STATS_INFO: one TopicOffset per write queue; lastUpdateTimestamp is the store time
// of the last message (0 for an empty queue).
void AdminStatsProcessor::TopicStats(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return BadHeader(channel, request, topic.status());
  std::optional<TopicConfig> tc = ctx_->topics->Find(*topic);
  if (!tc) {
    return Reply(channel, request, code::kTopicNotExist,
                 fmt::format("topic[{}] not exist", *topic));
  }
  const engine::MessageReader& reader = ctx_->store->reader();
  JsonWriter w;
  w.BeginObject();
  w.Key("offsetTable");
  w.BeginObject();
  for (int32_t i = 0; i < tc->write_queue_nums; ++i) {
    const int64_t min = std::max<int64_t>(0, reader.MinOffsetInQueue(*topic, i));
    const int64_t max = std::max<int64_t>(0, reader.MaxOffsetInQueue(*topic, i));
    int64_t last = 0;
    if (max > 0) last = std::max<int64_t>(0, reader.MessageStoreTimestamp(*topic, i, max - 1));
    w.ObjectKey(QueueKey(*ctx_, *topic, i));
    w.BeginObject();
    w.Key("lastUpdateTimestamp");
    w.Int(last);
    w.Key("maxOffset");
    w.Int(max);
    w.Key("minOffset");
    w.Int(min);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

bool AdminStatsProcessor::GroupReportsTopic(const std::string& group,
                                            const std::string& topic) const {
  std::optional<ConsumerGroupInfo> info = ctx_->clients->Consumer(group);
  if (!info || info->subscriptions.empty()) return true;
  return info->subscriptions.count(topic) > 0;
}

int64_t AdminStatsProcessor::WriteOffsetEntries(JsonWriter& w, const std::string& group,
                                                const std::string& topic, int32_t queues) const {
  const engine::MessageReader& reader = ctx_->store->reader();
  const std::map<int32_t, int64_t> committed = ctx_->offsets->QueryAll(group, topic);
  int64_t diff = 0;
  for (int32_t i = 0; i < queues; ++i) {
    const int64_t broker_offset = std::max<int64_t>(0, reader.MaxOffsetInQueue(topic, i));
    auto c = committed.find(i);
    const int64_t consumer_offset = c == committed.end() ? 0 : std::max<int64_t>(0, c->second);
    int64_t last = 0;
    if (consumer_offset - 1 >= 0) {
      last = std::max<int64_t>(0, reader.MessageStoreTimestamp(topic, i, consumer_offset - 1));
    }
    diff += broker_offset - consumer_offset;
    w.ObjectKey(QueueKey(*ctx_, topic, i));
    w.BeginObject();
    w.Key("brokerOffset");
    w.Int(broker_offset);
    w.Key("consumerOffset");
    w.Int(consumer_offset);
    w.Key("lastTimestamp");
    w.Int(last);
    w.EndObject();
  }
  return diff;
}

// GET_CONSUME_STATS: the topic named, or every topic with stored offsets of the group. Topics
// without config are skipped, and so are topics an online group does not subscribe to. Java
// sums the per-topic tps into one ConsumeStats; so does this.
void AdminStatsProcessor::ConsumeStats(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "consumerGroup");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  const std::string topic = remoting::OptionalString(request, "topic").value_or("");
  std::vector<std::string> topics;
  if (Trim(topic).empty()) {
    topics = ctx_->offsets->TopicsOf(*group);
  } else {
    topics.push_back(topic);
  }
  const int64_t now = NowMillis();
  double tps = 0;
  JsonWriter t;  // the offset table, written after consumeTps (fields are alphabetical)
  t.BeginObject();
  for (const std::string& tp : topics) {
    std::optional<TopicConfig> tc = ctx_->topics->Find(tp);
    if (!tc || !GroupReportsTopic(*group, tp)) continue;
    WriteOffsetEntries(t, *group, tp, tc->read_queue_nums);
    tps += stats_->GroupGetTps(tp, *group, now);
  }
  t.EndObject();
  JsonWriter w;
  w.BeginObject();
  w.Key("consumeTps");
  w.Double(tps);
  w.EndObject();
  // Splice the table in as the second member: {"consumeTps":x,"offsetTable":{...}}.
  std::string body = std::move(w).Finish();
  body.pop_back();
  body += ",\"offsetTable\":";
  body += std::move(t).Finish();
  body += '}';
  SendBody(channel, request, std::move(body));
}

// GET_BROKER_CONSUME_STATS: ConsumeStatsList over every subscription group (Java's
// fetchAllConsumeStatsInBroker), with the broker address and the total lag.
void AdminStatsProcessor::BrokerConsumeStats(const ChannelPtr& channel,
                                             const RemotingCommand& request) {
  // At 10,000 groups this takes ~0.5 s: off the I/O thread, so the connections sharing it
  // (producers' sends among them) are not held up.
  if (ctx_->run_slow) {
    ctx_->run_slow([this, channel, request] { BrokerConsumeStatsNow(channel, request); });
  } else {
    BrokerConsumeStatsNow(channel, request);
  }
}

void AdminStatsProcessor::BrokerConsumeStatsNow(const ChannelPtr& channel,
                                                const RemotingCommand& request) {
  const bool is_order = remoting::OptionalBool(request, "isOrder", false);
  const SubscriptionGroupFile groups = ctx_->groups->Snapshot();
  const std::map<std::string, std::vector<std::string>> topics_of = ctx_->offsets->TopicsByGroup();
  int64_t total_diff = 0;
  JsonWriter list;
  list.BeginArray();
  for (const auto& [group, cfg] : groups.subscription_group_table) {
    list.BeginObject();
    list.Key(group);
    list.BeginArray();
    static const std::vector<std::string> kNone;
    auto topics = topics_of.find(group);
    for (const std::string& topic : topics == topics_of.end() ? kNone : topics->second) {
      std::optional<TopicConfig> tc = ctx_->topics->Find(topic);
      if (!tc) continue;
      if (is_order && !tc->order) continue;
      if (!GroupReportsTopic(group, topic)) continue;
      list.BeginObject();
      list.Key("consumeTps");
      list.Double(stats_->GroupGetTps(topic, group, NowMillis()));
      list.Key("offsetTable");
      list.BeginObject();
      total_diff += WriteOffsetEntries(list, group, topic, tc->write_queue_nums);
      list.EndObject();
      list.EndObject();
    }
    list.EndArray();
    list.EndObject();
  }
  list.EndArray();
  const std::string stats_list = std::move(list).Finish();
  JsonWriter w;
  w.BeginObject();
  w.Key("brokerAddr");
  w.String(ctx_->config->broker_addr());
  w.EndObject();
  std::string body = std::move(w).Finish();
  body.pop_back();
  body += fmt::format(",\"consumeStatsList\":{},\"totalDiff\":{}}}", stats_list, total_diff);
  SendBody(channel, request, std::move(body));
}

// VIEW_BROKER_STATS_DATA: BrokerStatsData {"statsDay":..,"statsHour":..,"statsMinute":..}.
void AdminStatsProcessor::ViewStats(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> name = remoting::RequiredString(request, "statsName");
  if (!name.ok()) return BadHeader(channel, request, name.status());
  absl::StatusOr<std::string> key = remoting::RequiredString(request, "statsKey");
  if (!key.ok()) return BadHeader(channel, request, key.status());
  std::optional<StatsWindows> s = stats_->Get(*name, *key, NowMillis());
  if (!s) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("The stats <{}> <{}> not exist", *name, *key));
  }
  JsonWriter w;
  auto item = [&w](std::string_view k, const StatsFigures& f) {
    w.Key(k);
    w.BeginObject();
    w.Key("avgpt");
    w.Double(f.avgpt);
    w.Key("sum");
    w.Int(f.sum);
    w.Key("tps");
    w.Double(f.tps);
    w.EndObject();
  };
  w.BeginObject();
  item("statsDay", s->day);
  item("statsHour", s->hour);
  item("statsMinute", s->minute);
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// QUERY_CONSUME_TIME_SPAN: per write queue, the store times of the first and last messages,
// of the last consumed one, and how long the next unconsumed one has waited.
void AdminStatsProcessor::ConsumeTimeSpan(const ChannelPtr& channel,
                                          const RemotingCommand& request) {
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return BadHeader(channel, request, topic.status());
  absl::StatusOr<std::string> group = remoting::RequiredString(request, "group");
  if (!group.ok()) return BadHeader(channel, request, group.status());
  std::optional<TopicConfig> tc = ctx_->topics->Find(*topic);
  if (!tc) {
    return Reply(channel, request, code::kTopicNotExist,
                 fmt::format("topic[{}] not exist", *topic));
  }
  const engine::MessageReader& reader = ctx_->store->reader();
  const std::map<int32_t, int64_t> committed = ctx_->offsets->QueryAll(*group, *topic);
  const int64_t now = NowMillis();
  JsonWriter w;
  w.BeginObject();
  w.Key("consumeTimeSpanSet");
  w.BeginArray();
  for (int32_t i = 0; i < tc->write_queue_nums; ++i) {
    const int64_t min_time = reader.EarliestMessageTime(*topic, i);
    const int64_t max = reader.MaxOffsetInQueue(*topic, i);
    const int64_t max_time = reader.MessageStoreTimestamp(*topic, i, max - 1);
    auto c = committed.find(i);
    const int64_t consumer_offset = c == committed.end() ? -1 : c->second;
    const int64_t consume_time = consumer_offset > 0
                                     ? reader.MessageStoreTimestamp(*topic, i, consumer_offset - 1)
                                     : min_time;
    int64_t delay = 0;
    if (consumer_offset < max) {
      delay = now - reader.MessageStoreTimestamp(*topic, i, std::max<int64_t>(0, consumer_offset));
    }
    w.BeginObject();
    w.Key("consumeTimeStamp");
    w.Int(consume_time);
    w.Key("delayTime");
    w.Int(delay);
    w.Key("maxTimeStamp");
    w.Int(max_time);
    w.Key("messageQueue");
    w.BeginObject();
    w.Key("brokerName");
    w.String(ctx_->config->broker_name);
    w.Key("queueId");
    w.Int(i);
    w.Key("topic");
    w.String(*topic);
    w.EndObject();
    w.Key("minTimeStamp");
    w.Int(min_time);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// QUERY_CONSUME_QUEUE: raw ConsumeQueue units from `index` (at most `count`), with the group's
// subscription and whether each unit passes its tag filter.
void AdminStatsProcessor::ConsumeQueue(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return BadHeader(channel, request, topic.status());
  absl::StatusOr<int32_t> queue_id = remoting::RequiredInt32(request, "queueId");
  if (!queue_id.ok()) return BadHeader(channel, request, queue_id.status());
  absl::StatusOr<int64_t> index = remoting::RequiredInt64(request, "index");
  if (!index.ok()) return BadHeader(channel, request, index.status());
  absl::StatusOr<int32_t> count = remoting::RequiredInt32(request, "count");
  if (!count.ok()) return BadHeader(channel, request, count.status());
  const std::optional<std::string> group = remoting::OptionalString(request, "consumerGroup");
  std::shared_ptr<engine::ConsumeQueue> cq =
      ctx_->store->queues().Find(engine::QueueKeyView{*topic, *queue_id});
  if (cq == nullptr) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("{}@{} is not exist!", *queue_id, *topic));
  }
  std::optional<SubscriptionData> sub;
  std::string filter_data;
  if (group) {
    sub = ctx_->clients->Subscription(*group, *topic);
    if (!sub) filter_data = fmt::format("{}@{} is not online!", *group, *topic);
  }
  const int n = std::clamp(*count, 0, 10000);
  std::optional<engine::CqUnits> units;
  if (n > 0 && *index >= cq->min_offset() && *index < cq->max_offset()) {
    units = cq->GetUnits(*index, n);
  }
  if (!units) {
    return Reply(channel, request, code::kSuccess,
                 fmt::format("Index {} of {}@{} is not exist!", *index, *queue_id, *topic));
  }
  TagFilter filter(sub.value_or(SubscriptionData{}));
  JsonWriter w;
  w.BeginObject();
  if (!filter_data.empty()) {
    w.Key("filterData");
    w.String(filter_data);
  }
  w.Key("maxQueueIndex");
  w.Int(cq->max_offset());
  w.Key("minQueueIndex");
  w.Int(cq->min_offset());
  w.Key("queueData");
  w.BeginArray();
  for (int i = 0; i < units->count && i < n; ++i) {
    const engine::CqUnit u = units->at(i);
    w.BeginObject();
    w.Key("eval");
    w.Bool(sub.has_value() && filter.MatchByTagsCode(u.tags_code));
    w.Key("physicOffset");
    w.Int(u.physical_offset);
    w.Key("physicSize");
    w.Int(u.size);
    w.Key("tagsCode");
    w.Int(u.tags_code);
    w.EndObject();
  }
  w.EndArray();
  if (sub) {
    w.Key("subscriptionData");
    protocol::WriteSubscriptionJson(w, *sub);
  }
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

// QUERY_CORRECTION_OFFSET: per queue, the smallest committed offset of `topic` over every group
// except `filterGroups` (comma-separated), ignoring offsets below the queue's min; queues where
// `compareGroup` is behind that minimum get Long.MAX_VALUE (Java's rule).
void AdminStatsProcessor::CorrectionOffset(const ChannelPtr& channel,
                                           const RemotingCommand& request) {
  absl::StatusOr<std::string> topic = remoting::RequiredString(request, "topic");
  if (!topic.ok()) return BadHeader(channel, request, topic.status());
  absl::StatusOr<std::string> compare = remoting::RequiredString(request, "compareGroup");
  if (!compare.ok()) return BadHeader(channel, request, compare.status());
  std::set<std::string, std::less<>> filtered;
  const std::string filter = remoting::OptionalString(request, "filterGroups").value_or("");
  for (size_t pos = 0; pos <= filter.size();) {
    size_t end = filter.find(',', pos);
    if (end == std::string::npos) end = filter.size();
    std::string_view g = Trim(std::string_view(filter).substr(pos, end - pos));
    if (!g.empty()) filtered.emplace(g);
    pos = end + 1;
  }
  const engine::MessageReader& reader = ctx_->store->reader();
  std::map<int32_t, int64_t> correction;
  for (const std::string& g : ctx_->offsets->GroupsOf(*topic)) {
    if (filtered.count(g) > 0) continue;
    for (const auto& [q, off] : ctx_->offsets->QueryAll(g, *topic)) {
      if (off < reader.MinOffsetInQueue(*topic, q)) continue;
      auto [it, inserted] = correction.emplace(q, off);
      if (!inserted) it->second = std::min(it->second, off);
    }
  }
  for (const auto& [q, off] : ctx_->offsets->QueryAll(*compare, *topic)) {
    auto it = correction.find(q);
    if (it == correction.end()) continue;  // Java would throw here; skip the queue instead
    if (it->second > off) it->second = INT64_MAX;
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("correctionOffsets");
  w.BeginObject();
  for (const auto& [q, off] : correction) {
    w.IntKey(q);
    w.Int(off);
  }
  w.EndObject();
  w.EndObject();
  SendBody(channel, request, std::move(w).Finish());
}

}  // namespace tern::broker
