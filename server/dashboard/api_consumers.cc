// DashboardApi: the Consumers page (groups by lag, one group's queues, lag times, clients and
// subscriptions, reset offset by time) and the Producers page.
#include <fmt/format.h>

#include <algorithm>

#include "client/status_codes.h"
#include "engine/base/clock.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "server/dashboard/admin_extra.h"
#include "server/dashboard/api.h"
#include "server/remoting/codes.h"

namespace tern::dashboard {

using client::admin::ConsumerConnection;
using client::admin::ConsumerRunningInfo;
using protocol::JsonWriter;

namespace {

constexpr std::string_view kSystemGroups[] = {
    "TOOLS_CONSUMER",        "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY",
    "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER",   "CID_ONSAPI_PULL",   "__MONITOR_CONSUMER",
    "CID_RMQ_SYS_TRANS",     "CID_SYS_RMQ_TRANS"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool NotOnline(const absl::Status& s) {
  const int32_t code = client::RocketMqCode(s);
  return code == remoting::response::kConsumerNotOnline ||
         code == remoting::response::kTopicNotExist || absl::IsNotFound(s);
}

std::string SubscriptionKey(const std::vector<client::admin::Subscription>& subs) {
  std::vector<std::string> parts;
  for (const auto& s : subs) {
    if (s.topic.starts_with("%RETRY%")) continue;
    parts.push_back(s.topic + "=" + s.expression_type + ":" + s.sub_string);
  }
  std::sort(parts.begin(), parts.end());
  std::string key;
  for (const std::string& p : parts) key += p + ";";
  return key;
}

}  // namespace

bool DashboardApi::IsSystemGroup(const std::string& group) {
  for (std::string_view g : kSystemGroups) {
    if (group == g) return true;
  }
  return group.starts_with("CID_RMQ_SYS_") || group.starts_with("rmq_sys_");
}

absl::StatusOr<DashboardApi::GroupIndex> DashboardApi::LoadGroups() {
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  std::map<std::string, GroupRow> rows;
  for (const BrokerRow& b : snap->brokers) {
    if (b.id != 0) continue;
    TERN_ASSIGN_OR_RETURN(BrokerConsumeStats stats, FetchBrokerConsumeStats(*admin_, b.addr));
    for (const auto& [group, list] : stats.groups) {
      GroupRow& r = rows[group];
      r.name = group;
      r.brokers.insert(b.addr);
      for (const ConsumeStats& cs : list) {
        r.tps += cs.consume_tps;
        for (const auto& [mq, o] : cs.offset_table) {
          r.lag += std::max<int64_t>(0, o.broker_offset - o.consumer_offset);
          if (o.broker_offset > o.consumer_offset) r.lagging.insert(mq);
          r.topics.insert(mq.topic);
          ++r.queues;
        }
      }
    }
  }
  // Groups that exist without offsets yet (created, or never consumed): rocketmq-dashboard
  // lists them from the subscription group table.
  for (const BrokerRow& b : snap->brokers) {
    if (b.id != 0) continue;
    absl::StatusOr<client::admin::SubscriptionGroupFile> groups =
        admin_->AllSubscriptionGroups(b.addr);
    if (!groups.ok()) continue;
    for (const auto& [group, config] : groups->subscription_group_table) {
      GroupRow& r = rows[group];
      r.name = group;
      r.brokers.insert(b.addr);
    }
  }
  GroupIndex index;
  for (auto& [name, r] : rows) {
    r.kind = IsSystemGroup(name) ? "system" : "normal";
    const std::string prefix = name + ":";
    auto it = snap->inconsistent.lower_bound(prefix);
    r.inconsistent = it != snap->inconsistent.end() && it->starts_with(prefix);
    index.rows.push_back(std::move(r));
  }
  return index;
}

absl::StatusOr<TtlCache<DashboardApi::GroupIndex>::Ptr> DashboardApi::GroupData() {
  return group_cache_.Get("groups", options_.list_ttl, [this] { return LoadGroups(); });
}

absl::StatusOr<DashboardApi::GroupExtra> DashboardApi::LoadGroupExtra(const GroupRow& row) {
  GroupExtra extra;
  if (!row.brokers.empty()) {
    absl::StatusOr<ConsumerConnection> c =
        admin_->GetConsumerConnection(*row.brokers.begin(), row.name);
    if (c.ok()) {
      extra.online = static_cast<int64_t>(c->connection_set.size());
      extra.message_model = c->message_model;
    } else if (NotOnline(c.status())) {
      extra.online = 0;
    }
  }
  if (row.lag > 0) {
    for (const std::string& addr : row.brokers) {
      for (const std::string& topic : row.topics) {
        absl::StatusOr<std::vector<QueueTimeSpan>> spans =
            QueryConsumeTimeSpan(*admin_, addr, topic, row.name);
        if (!spans.ok()) continue;
        // Only queues with lag: Java answers "now - 0" for an empty or caught-up queue.
        for (const QueueTimeSpan& s : *spans) {
          if (row.lagging.count(s.queue) == 0) continue;
          extra.lag_time_ms = std::max(extra.lag_time_ms, LagTimeMs(s, NowMillis()));
        }
      }
    }
  }
  return extra;
}

absl::StatusOr<std::string> DashboardApi::Consumers(const Params& p) {
  TERN_ASSIGN_OR_RETURN(Page page, PageParams(p));
  const std::string kind = Param(p, "kind", "all");
  if (kind != "all" && kind != "normal" && kind != "system") {
    return absl::InvalidArgumentError("kind must be all, normal or system");
  }
  const std::string sort = Param(p, "sort", "lag");
  if (sort != "lag" && sort != "name" && sort != "tps") {
    return absl::InvalidArgumentError("sort must be lag, name or tps");
  }
  const std::string filter = Lower(Param(p, "filter"));
  TERN_ASSIGN_OR_RETURN(auto index, GroupData());
  std::vector<const GroupRow*> matched;
  for (const GroupRow& r : index->rows) {
    if (kind != "all" && r.kind != kind) continue;
    if (!filter.empty() && Lower(r.name).find(filter) == std::string::npos) continue;
    matched.push_back(&r);
  }
  std::stable_sort(matched.begin(), matched.end(), [&](const GroupRow* a, const GroupRow* b) {
    if (sort == "name") return a->name < b->name;
    if (sort == "tps") return a->tps > b->tps;
    return a->lag > b->lag;
  });
  JsonWriter w;
  w.BeginObject();
  WritePageMembers(w, page, matched.size());
  w.Key("items");
  w.BeginArray();
  for (size_t i = page.begin(matched.size()); i < page.end(matched.size()); ++i) {
    const GroupRow& r = *matched[i];
    absl::StatusOr<TtlCache<GroupExtra>::Ptr> extra =
        extra_cache_.Get(r.name, options_.detail_ttl, [&] { return LoadGroupExtra(r); });
    w.BeginObject();
    w.Key("group");
    w.String(r.name);
    w.Key("kind");
    w.String(r.kind);
    w.Key("lag");
    w.Int(r.lag);
    w.Key("tps");
    w.Double(r.tps);
    w.Key("queues");
    w.Int(static_cast<int64_t>(r.queues));
    w.Key("topics");
    w.BeginArray();
    for (const std::string& t : r.topics) w.String(t);
    w.EndArray();
    w.Key("inconsistent");
    w.Bool(r.inconsistent);
    if (extra.ok()) {
      w.Key("online");
      w.Int((*extra)->online);
      w.Key("messageModel");
      w.String((*extra)->message_model);
      w.Key("lagTimeMs");
      w.Int((*extra)->lag_time_ms);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::Consumer(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string group, RequiredParam(p, "group"));
  absl::StatusOr<ConsumeStats> stats = admin_->ExamineConsumeStats(group);
  if (!stats.ok() && !NotOnline(stats.status())) return stats.status();
  absl::StatusOr<ConsumerConnection> conn = admin_->ExamineConsumerConnection(group);
  if (!conn.ok() && !NotOnline(conn.status())) return conn.status();
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  std::map<std::string, std::string> addr_of;  // broker name -> master address
  for (const BrokerRow& b : snap->brokers) {
    if (b.id == 0) addr_of[b.name] = b.addr;
  }
  // Lag time per queue (QUERY_CONSUME_TIME_SPAN per topic and broker).
  std::map<client::MessageQueue, int64_t> lag_time;
  if (stats.ok()) {
    std::set<std::pair<std::string, std::string>> asked;
    for (const auto& [mq, o] : stats->offset_table) {
      if (o.broker_offset <= o.consumer_offset) continue;
      if (!asked.insert({mq.broker_name, mq.topic}).second) continue;
      auto addr = addr_of.find(mq.broker_name);
      if (addr == addr_of.end()) continue;
      absl::StatusOr<std::vector<QueueTimeSpan>> spans =
          QueryConsumeTimeSpan(*admin_, addr->second, mq.topic, group);
      if (!spans.ok()) continue;
      for (const QueueTimeSpan& s : *spans) lag_time[s.queue] = LagTimeMs(s, NowMillis());
    }
  }
  // Each client's subscriptions and queues (GET_CONSUMER_RUNNING_INFO through the broker).
  std::map<std::string, ConsumerRunningInfo> running;
  std::map<std::string, std::string> running_error;
  std::map<client::MessageQueue, std::string> owner;
  if (conn.ok()) {
    size_t asked = 0;
    for (const client::admin::Connection& c : conn->connection_set) {
      if (++asked > 32) break;
      absl::StatusOr<ConsumerRunningInfo> info =
          admin_->ExamineConsumerRunningInfo(group, c.client_id);
      if (!info.ok()) {
        running_error[c.client_id] = std::string(MessageOf(info.status()));
        continue;
      }
      for (const client::MessageQueue& q : info->mq_table) owner[q] = c.client_id;
      running[c.client_id] = *std::move(info);
    }
  }
  std::set<std::string> inconsistent;
  {
    const std::string prefix = group + ":";
    for (auto it = snap->inconsistent.lower_bound(prefix);
         it != snap->inconsistent.end() && it->starts_with(prefix); ++it) {
      inconsistent.insert(it->substr(prefix.size()));
    }
    std::map<std::string, std::vector<std::string>> by_key;
    for (const auto& [client, info] : running) {
      by_key[SubscriptionKey(info.subscription_set)].push_back(client);
    }
    if (by_key.size() > 1) {
      for (const auto& [key, clients] : by_key) inconsistent.insert(clients.begin(), clients.end());
    }
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("group");
  w.String(group);
  int64_t lag = 0;
  int64_t max_lag_time = 0;
  w.Key("queues");
  w.BeginArray();
  if (stats.ok()) {
    for (const auto& [mq, o] : stats->offset_table) {
      const int64_t q_lag = std::max<int64_t>(0, o.broker_offset - o.consumer_offset);
      lag += q_lag;
      auto lt = lag_time.find(mq);
      const int64_t q_lag_time = q_lag > 0 && lt != lag_time.end() ? lt->second : 0;
      max_lag_time = std::max(max_lag_time, q_lag_time);
      w.BeginObject();
      w.Key("topic");
      w.String(mq.topic);
      w.Key("brokerName");
      w.String(mq.broker_name);
      w.Key("queueId");
      w.Int(mq.queue_id);
      w.Key("brokerOffset");
      w.Int(o.broker_offset);
      w.Key("consumerOffset");
      w.Int(o.consumer_offset);
      w.Key("lag");
      w.Int(q_lag);
      w.Key("lagTimeMs");
      w.Int(q_lag_time);
      w.Key("lastTimestamp");
      w.Int(o.last_timestamp);
      auto own = owner.find(mq);
      w.Key("client");
      w.String(own == owner.end() ? "" : own->second);
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("lag");
  w.Int(lag);
  w.Key("lagTimeMs");
  w.Int(max_lag_time);
  w.Key("tps");
  w.Double(stats.ok() ? stats->consume_tps : 0);
  w.Key("online");
  w.Bool(conn.ok());
  if (conn.ok()) {
    w.Key("consumeType");
    w.String(conn->consume_type);
    w.Key("messageModel");
    w.String(conn->message_model);
    w.Key("consumeFromWhere");
    w.String(conn->consume_from_where);
  }
  w.Key("subscriptions");
  w.BeginArray();
  if (conn.ok()) {
    for (const auto& [topic, s] : conn->subscription_table) {
      w.BeginObject();
      w.Key("topic");
      w.String(topic);
      w.Key("expressionType");
      w.String(s.expression_type);
      w.Key("subString");
      w.String(s.sub_string);
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("clients");
  w.BeginArray();
  if (conn.ok()) {
    for (const client::admin::Connection& c : conn->connection_set) {
      w.BeginObject();
      w.Key("clientId");
      w.String(c.client_id);
      w.Key("clientAddr");
      w.String(c.client_addr);
      w.Key("language");
      w.String(c.language);
      w.Key("version");
      w.String(client::admin::VersionDesc(c.version));
      w.Key("inconsistent");
      w.Bool(inconsistent.count(c.client_id) > 0);
      w.Key("subscriptions");
      w.BeginArray();
      if (auto r = running.find(c.client_id); r != running.end()) {
        for (const auto& s : r->second.subscription_set) {
          if (s.topic.starts_with("%RETRY%")) continue;
          w.BeginObject();
          w.Key("topic");
          w.String(s.topic);
          w.Key("expressionType");
          w.String(s.expression_type);
          w.Key("subString");
          w.String(s.sub_string);
          w.EndObject();
        }
      }
      w.EndArray();
      if (auto e = running_error.find(c.client_id); e != running_error.end()) {
        w.Key("runningInfoError");
        w.String(e->second);
      }
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("inconsistent");
  w.Bool(!inconsistent.empty());
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::ResetOffset(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string group, RequiredParam(p, "group"));
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  TERN_ASSIGN_OR_RETURN(const int64_t ts, IntParam(p, "timestamp", -2, -1, INT64_MAX));
  if (ts == -2) return absl::InvalidArgumentError("parameter 'timestamp' is required (ms, or -1)");
  const bool force = BoolParam(p, "force", true);
  JsonWriter w;
  w.BeginObject();
  absl::StatusOr<std::map<client::MessageQueue, int64_t>> online =
      admin_->ResetOffsetByTimestamp(topic, group, ts, force, /*cpp=*/false);
  if (online.ok()) {
    w.Key("mode");
    w.String("online");
    w.Key("queues");
    w.BeginArray();
    for (const auto& [mq, off] : *online) {
      w.BeginObject();
      w.Key("brokerName");
      w.String(mq.broker_name);
      w.Key("queueId");
      w.Int(mq.queue_id);
      w.Key("offset");
      w.Int(off);
      w.EndObject();
    }
    w.EndArray();
  } else if (client::RocketMqCode(online.status()) == remoting::response::kConsumerNotOnline) {
    TERN_ASSIGN_OR_RETURN(std::vector<client::admin::RollbackStats> rolled,
                          admin_->ResetOffsetOffline(group, topic, ts, force));
    w.Key("mode");
    w.String("offline");
    w.Key("queues");
    w.BeginArray();
    for (const auto& r : rolled) {
      w.BeginObject();
      w.Key("brokerName");
      w.String(r.queue.broker_name);
      w.Key("queueId");
      w.Int(r.queue.queue_id);
      w.Key("offset");
      w.Int(r.rollback_offset);
      w.EndObject();
    }
    w.EndArray();
  } else {
    return online.status();
  }
  w.EndObject();
  group_cache_.InvalidateAll();
  extra_cache_.Invalidate(group);
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::Producers(const Params& p) {
  TERN_ASSIGN_OR_RETURN(std::string topic, RequiredParam(p, "topic"));
  TERN_ASSIGN_OR_RETURN(std::string group, RequiredParam(p, "group"));
  absl::StatusOr<client::admin::ProducerConnection> c =
      admin_->ExamineProducerConnection(group, topic);
  if (!c.ok() && !absl::IsNotFound(c.status())) return c.status();
  JsonWriter w;
  w.BeginObject();
  w.Key("topic");
  w.String(topic);
  w.Key("group");
  w.String(group);
  w.Key("connections");
  w.BeginArray();
  if (c.ok()) {
    for (const client::admin::Connection& conn : c->connection_set) {
      w.BeginObject();
      w.Key("clientId");
      w.String(conn.client_id);
      w.Key("clientAddr");
      w.String(conn.client_addr);
      w.Key("language");
      w.String(conn.language);
      w.Key("version");
      w.String(client::admin::VersionDesc(conn.version));
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace tern::dashboard
