// DashboardApi: the Topics page — the cached topic index, one topic's route, queues and
// groups, create/update/delete, and sending a test message.
#include <fmt/format.h>

#include <algorithm>

#include "client/status_codes.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/topic_name.h"
#include "server/dashboard/admin_extra.h"
#include "server/dashboard/api.h"

namespace tern::dashboard {

using protocol::JsonWriter;

namespace {

constexpr std::string_view kKnownSystemTopics[] = {"TBW102",
                                                   "SCHEDULE_TOPIC_XXXX",
                                                   "RMQ_SYS_TRANS_HALF_TOPIC",
                                                   "SELF_TEST_TOPIC",
                                                   "RMQ_SYS_TRANS_OP_HALF_TOPIC",
                                                   "TRANS_CHECK_MAX_TIME_TOPIC",
                                                   "BenchmarkTest",
                                                   "OFFSET_MOVED_EVENT",
                                                   "RMQ_SYS_TRACE_TOPIC",
                                                   "rmq_sys_REVIVE_LOG",
                                                   "rmq_sys_wheel_timer"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string DashboardApi::TopicKind(const std::string& topic, const std::set<std::string>& system) {
  if (topic.starts_with("%RETRY%")) return "retry";
  if (topic.starts_with("%DLQ%")) return "dlq";
  if (system.count(topic) > 0 || topic.starts_with("rmq_sys_") || topic.starts_with("RMQ_SYS_") ||
      topic.ends_with("_REPLY_TOPIC")) {
    return "system";
  }
  for (std::string_view s : kKnownSystemTopics) {
    if (topic == s) return "system";
  }
  return "normal";
}

absl::StatusOr<DashboardApi::TopicIndex> DashboardApi::LoadTopics() {
  TERN_ASSIGN_OR_RETURN(protocol::TopicList list, admin_->TopicList());
  std::set<std::string> system;
  if (absl::StatusOr<protocol::TopicList> sys = SystemTopicList(*admin_); sys.ok()) {
    system.insert(sys->topic_list.begin(), sys->topic_list.end());
  }
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  std::map<std::string, TopicRow> rows;
  for (const std::string& t : list.topic_list) rows[t].name = t;
  for (const BrokerRow& b : snap->brokers) {
    system.insert(b.cluster);
    system.insert(b.name);
    if (b.id != 0) continue;
    absl::StatusOr<protocol::TopicConfigSerializeWrapper> all = admin_->AllTopicConfig(b.addr);
    if (!all.ok()) continue;  // the name server's list still names its topics
    for (const auto& [name, c] : all->topic_config_table) {
      TopicRow& r = rows[name];
      r.name = name;
      r.read_queues += c.read_queue_nums;
      r.write_queues += c.write_queue_nums;
      r.perm = c.perm;
      r.order = r.order || c.order;
      r.brokers.push_back(b.name);
    }
  }
  TopicIndex index;
  index.rows.reserve(rows.size());
  for (auto& [name, r] : rows) {
    r.kind = TopicKind(name, system);
    index.kinds[r.kind]++;
    index.rows.push_back(std::move(r));
  }
  return index;
}

absl::StatusOr<TtlCache<DashboardApi::TopicIndex>::Ptr> DashboardApi::TopicData() {
  return topic_cache_.Get("topics", options_.list_ttl, [this] { return LoadTopics(); });
}

absl::StatusOr<std::string> DashboardApi::Topics(const Params& p) {
  TERN_ASSIGN_OR_RETURN(Page page, PageParams(p));
  const std::string kind = Param(p, "kind", "all");
  if (kind != "all" && kind != "normal" && kind != "retry" && kind != "dlq" && kind != "system") {
    return absl::InvalidArgumentError("kind must be all, normal, retry, dlq or system");
  }
  const std::string filter = Lower(Param(p, "filter"));
  TERN_ASSIGN_OR_RETURN(auto index, TopicData());
  std::vector<const TopicRow*> matched;
  for (const TopicRow& r : index->rows) {
    if (kind != "all" && r.kind != kind) continue;
    if (!filter.empty() && Lower(r.name).find(filter) == std::string::npos) continue;
    matched.push_back(&r);
  }
  JsonWriter w;
  w.BeginObject();
  WritePageMembers(w, page, matched.size());
  w.Key("kinds");
  w.BeginObject();
  for (const auto& [k, n] : index->kinds) {
    w.Key(k);
    w.Int(static_cast<int64_t>(n));
  }
  w.EndObject();
  w.Key("items");
  w.BeginArray();
  for (size_t i = page.begin(matched.size()); i < page.end(matched.size()); ++i) {
    const TopicRow& r = *matched[i];
    w.BeginObject();
    w.Key("topic");
    w.String(r.name);
    w.Key("kind");
    w.String(r.kind);
    w.Key("readQueues");
    w.Int(r.read_queues);
    w.Key("writeQueues");
    w.Int(r.write_queues);
    w.Key("perm");
    w.Int(r.perm);
    w.Key("order");
    w.Bool(r.order);
    w.Key("brokers");
    w.BeginArray();
    for (const std::string& b : r.brokers) w.String(b);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::Topic(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, admin_->TopicRoute(topic));
  absl::StatusOr<client::admin::TopicStatsTable> stats = admin_->ExamineTopicStats(topic);
  absl::StatusOr<client::admin::GroupList> groups = admin_->QueryTopicConsumeByWho(topic);
  TERN_ASSIGN_OR_RETURN(auto index, TopicData());
  std::set<std::string> system;
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  for (const BrokerRow& b : snap->brokers) {
    system.insert(b.cluster);
    system.insert(b.name);
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("topic");
  w.String(topic);
  w.Key("kind");
  const auto row =
      std::lower_bound(index->rows.begin(), index->rows.end(), topic,
                       [](const TopicRow& r, const std::string& t) { return r.name < t; });
  const bool known = row != index->rows.end() && row->name == topic;
  w.String(known ? row->kind : TopicKind(topic, system));
  if (known) {
    w.Key("perm");
    w.Int(row->perm);
    w.Key("order");
    w.Bool(row->order);
  }
  w.Key("route");
  w.BeginObject();
  w.Key("brokers");
  w.BeginArray();
  for (const protocol::BrokerData& b : route.broker_datas) {
    w.BeginObject();
    w.Key("cluster");
    w.String(b.cluster);
    w.Key("brokerName");
    w.String(b.broker_name);
    w.Key("addrs");
    w.BeginObject();
    for (const auto& [id, addr] : b.broker_addrs) {
      w.IntKey(id);
      w.String(addr);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.Key("queues");
  w.BeginArray();
  for (const protocol::QueueData& q : route.queue_datas) {
    w.BeginObject();
    w.Key("brokerName");
    w.String(q.broker_name);
    w.Key("readQueueNums");
    w.Int(q.read_queue_nums);
    w.Key("writeQueueNums");
    w.Int(q.write_queue_nums);
    w.Key("perm");
    w.Int(q.perm);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  int64_t total = 0;
  w.Key("queues");
  w.BeginArray();
  if (stats.ok()) {
    for (const auto& [mq, o] : stats->offset_table) {
      total += o.max_offset - o.min_offset;
      w.BeginObject();
      w.Key("brokerName");
      w.String(mq.broker_name);
      w.Key("queueId");
      w.Int(mq.queue_id);
      w.Key("minOffset");
      w.Int(o.min_offset);
      w.Key("maxOffset");
      w.Int(o.max_offset);
      w.Key("lastUpdateTimestamp");
      w.Int(o.last_update_timestamp);
      w.EndObject();
    }
  }
  w.EndArray();
  if (!stats.ok()) {
    w.Key("statsError");
    w.String(MessageOf(stats.status()));
  }
  w.Key("totalMessages");
  w.Int(total);
  w.Key("groups");
  w.BeginArray();
  if (groups.ok()) {
    for (const std::string& g : groups->group_list) w.String(g);
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::SaveTopic(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  if (!engine::IsValidTopicName(topic)) {
    return absl::InvalidArgumentError(fmt::format(
        "topic '{}' is not a valid topic name (^[%|a-zA-Z0-9_-]+$, at most 127)", topic));
  }
  client::admin::TopicConfig c;
  c.topic_name = topic;
  TERN_ASSIGN_OR_RETURN(const int64_t read, IntParam(p, "readQueueNums", 8, 1, 1024));
  TERN_ASSIGN_OR_RETURN(const int64_t write, IntParam(p, "writeQueueNums", read, 1, 1024));
  TERN_ASSIGN_OR_RETURN(const int64_t perm, IntParam(p, "perm", 6, 0, 7));
  c.read_queue_nums = static_cast<int32_t>(read);
  c.write_queue_nums = static_cast<int32_t>(write);
  c.perm = static_cast<int32_t>(perm);
  c.order = BoolParam(p, "order", false);
  const std::string cluster = Param(p, "cluster");
  const std::string broker = Param(p, "brokerName");
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  std::vector<std::string> targets;
  for (const BrokerRow& b : snap->brokers) {
    if (b.id != 0) continue;
    if (!cluster.empty() && b.cluster != cluster) continue;
    if (!broker.empty() && b.name != broker) continue;
    targets.push_back(b.addr);
  }
  if (targets.empty()) {
    return absl::NotFoundError(
        fmt::format("no master broker matches cluster '{}' broker '{}'", cluster, broker));
  }
  for (const std::string& addr : targets) TERN_RETURN_IF_ERROR(admin_->CreateTopic(addr, c));
  topic_cache_.InvalidateAll();
  JsonWriter w;
  w.BeginObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("brokers");
  w.BeginArray();
  for (const std::string& a : targets) w.String(a);
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::DeleteTopic(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  std::vector<std::string> targets;
  if (absl::StatusOr<protocol::TopicRouteData> route = admin_->TopicRoute(topic); route.ok()) {
    for (const protocol::BrokerData& b : route->broker_datas) {
      auto master = b.broker_addrs.find(0);
      if (master != b.broker_addrs.end()) targets.push_back(master->second);
    }
  }
  if (targets.empty()) {
    TERN_ASSIGN_OR_RETURN(targets, MasterAddrs());
  }
  for (const std::string& addr : targets) {
    TERN_RETURN_IF_ERROR(admin_->DeleteTopicInBroker(addr, topic));
  }
  for (const std::string& ns : admin_->options().namesrv_addrs) {
    TERN_RETURN_IF_ERROR(admin_->DeleteTopicInNamesrv(ns, topic));
  }
  topic_cache_.InvalidateAll();
  return std::string(R"({"ok":true})");
}

absl::StatusOr<std::string> DashboardApi::SendMessage(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  client::Message m(topic, Param(p, "tag"), Param(p, "body"));
  const std::string keys = Param(p, "keys");
  for (size_t pos = 0; pos < keys.size();) {
    size_t end = keys.find_first_of(" ,", pos);
    if (end == std::string::npos) end = keys.size();
    if (end > pos) m.keys.push_back(keys.substr(pos, end - pos));
    pos = end + 1;
  }
  TERN_ASSIGN_OR_RETURN(client::Producer * producer, GetProducer());
  TERN_ASSIGN_OR_RETURN(client::SendResult r, producer->Send(m));
  // The producer's route now names this topic's brokers: heartbeat them at once, so the
  // Producers page shows the dashboard's producer now rather than at the next 30 s round.
  producer->instance().SendHeartbeatToAllBrokers();
  JsonWriter w;
  w.BeginObject();
  w.Key("status");
  w.String(client::SendStatusName(r.status));
  w.Key("msgId");
  w.String(r.msg_id);
  w.Key("offsetMsgId");
  w.String(r.offset_msg_id);
  w.Key("brokerName");
  w.String(r.queue.broker_name);
  w.Key("queueId");
  w.Int(r.queue.queue_id);
  w.Key("queueOffset");
  w.Int(r.queue_offset);
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace tern::dashboard
