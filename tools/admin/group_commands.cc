// `tern admin` consumer and producer group commands: updateSubGroup, deleteSubGroup,
// consumerProgress, consumerConnection, producerConnection, statsAll (mqadmin's
// tools/command/consumer, connection and stats).
#include <fmt/format.h>

#include "client/status_codes.h"
#include "server/remoting/codes.h"
#include "tools/admin/admin_cli.h"

namespace tern::tools::admin {

using client::MessageQueue;
using client::admin::AdminClient;
using client::admin::SubscriptionGroupConfig;

namespace {

// --- updateSubGroup / deleteSubGroup ---

struct SubGroupFlags {
  std::string broker_addr, cluster, group, consume_enable, from_min, broadcast, notify;
  std::optional<int32_t> retry_queues, retry_max;
  std::optional<int64_t> broker_id, slow_broker;
};

std::string GroupConfigString(const SubscriptionGroupConfig& g) {
  return fmt::format(
      "SubscriptionGroupConfig [groupName={}, consumeEnable={}, consumeFromMinEnable={}, "
      "consumeBroadcastEnable={}, retryQueueNums={}, retryMaxTimes={}, brokerId={}, "
      "whichBrokerWhenConsumeSlowly={}, notifyConsumerIdsChangedEnable={}]",
      g.group_name, g.consume_enable, g.consume_from_min_enable, g.consume_broadcast_enable,
      g.retry_queue_nums, g.retry_max_times, g.broker_id, g.which_broker_when_consume_slowly,
      g.notify_consumer_ids_changed_enable);
}

int RunUpdateSubGroup(Context& ctx, const SubGroupFlags& f) {
  if (f.broker_addr.empty() == f.cluster.empty()) return ctx.Usage("give one of -b or -c");
  SubscriptionGroupConfig g;
  g.group_name = f.group;
  g.consume_broadcast_enable = false;  // mqadmin's defaults for this command
  g.consume_from_min_enable = false;
  if (!f.consume_enable.empty()) g.consume_enable = ParseBool(f.consume_enable);
  if (!f.from_min.empty()) g.consume_from_min_enable = ParseBool(f.from_min);
  if (!f.broadcast.empty()) g.consume_broadcast_enable = ParseBool(f.broadcast);
  if (f.retry_queues) g.retry_queue_nums = *f.retry_queues;
  if (f.retry_max) g.retry_max_times = *f.retry_max;
  if (f.broker_id) g.broker_id = *f.broker_id;
  if (f.slow_broker) g.which_broker_when_consume_slowly = *f.slow_broker;
  if (!f.notify.empty()) g.notify_consumer_ids_changed_enable = ParseBool(f.notify);
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  std::vector<std::string> addrs{f.broker_addr};
  if (!f.cluster.empty()) {
    absl::StatusOr<std::vector<std::string>> masters = admin->MasterAddrs(f.cluster);
    if (!masters.ok()) return ctx.Fail(masters.status());
    addrs = *masters;
  }
  int rc = kOk;
  for (const std::string& addr : addrs) {
    if (absl::Status s = admin->CreateSubscriptionGroup(addr, g); !s.ok()) {
      rc = ctx.Fail(s);
      continue;
    }
    ctx.Print(fmt::format("create subscription group to {} success.\n", addr));
  }
  ctx.Print(GroupConfigString(g) + "\n");
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("brokerAddrs");
  w.BeginArray();
  for (const std::string& a : addrs) w.String(a);
  w.EndArray();
  w.Key("groupName");
  w.String(g.group_name);
  w.Key("consumeEnable");
  w.Bool(g.consume_enable);
  w.Key("consumeFromMinEnable");
  w.Bool(g.consume_from_min_enable);
  w.Key("consumeBroadcastEnable");
  w.Bool(g.consume_broadcast_enable);
  w.Key("retryQueueNums");
  w.Int(g.retry_queue_nums);
  w.Key("retryMaxTimes");
  w.Int(g.retry_max_times);
  w.Key("brokerId");
  w.Int(g.broker_id);
  w.Key("whichBrokerWhenConsumeSlowly");
  w.Int(g.which_broker_when_consume_slowly);
  w.Key("notifyConsumerIdsChangedEnable");
  w.Bool(g.notify_consumer_ids_changed_enable);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return rc;
}

struct DeleteGroupFlags {
  std::string broker_addr, cluster, group, remove_offset;
};

int RunDeleteSubGroup(Context& ctx, const DeleteGroupFlags& f) {
  if (f.broker_addr.empty() == f.cluster.empty()) return ctx.Usage("give one of -b or -c");
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  const bool remove_offset = ParseBool(f.remove_offset);
  if (!f.broker_addr.empty()) {
    if (absl::Status s = admin->DeleteSubscriptionGroup(f.broker_addr, f.group, remove_offset);
        !s.ok()) {
      return ctx.Fail(s);
    }
    ctx.Print(fmt::format("delete subscription group [{}] from broker [{}] success.\n", f.group,
                          f.broker_addr));
  } else {
    absl::StatusOr<std::vector<std::string>> masters = admin->MasterAddrs(f.cluster);
    if (!masters.ok()) return ctx.Fail(masters.status());
    for (const std::string& addr : *masters) {
      if (absl::Status s = admin->DeleteSubscriptionGroup(addr, f.group, remove_offset); !s.ok()) {
        return ctx.Fail(s);
      }
      ctx.Print(
          fmt::format("delete subscription group [{}] from broker [{}] in cluster [{}] success.\n",
                      f.group, addr, f.cluster));
    }
    // As mqadmin: the group's retry and dead-letter topics go too; failures only warn.
    for (const std::string& topic : {"%RETRY%" + f.group, "%DLQ%" + f.group}) {
      if (absl::Status s = DeleteTopicInCluster(ctx, *admin, f.cluster, topic); !s.ok()) {
        ctx.Warn(s);
      }
    }
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("groupName");
  w.String(f.group);
  w.Key("deleted");
  w.Bool(true);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- consumerProgress ---

std::string TypeDesc(const client::admin::ConsumerConnection& cc) {
  return cc.consume_type == "CONSUME_ACTIVELY" ? "PULL" : "PUSH";
}

int RunGroupProgress(Context& ctx, AdminClient& admin, const std::string& group, bool client_ip) {
  absl::StatusOr<client::admin::ConsumeStats> stats = admin.ExamineConsumeStats(group);
  if (!stats.ok()) return ctx.Fail(stats.status());
  std::map<MessageQueue, std::string> owners;  // queue -> client IP
  if (client_ip) {
    if (absl::StatusOr<client::admin::ConsumerConnection> cc =
            admin.ExamineConsumerConnection(group);
        cc.ok()) {
      for (const client::admin::Connection& c : cc->connection_set) {
        absl::StatusOr<client::admin::ConsumerRunningInfo> info =
            admin.ExamineConsumerRunningInfo(group, c.client_id);
        if (!info.ok()) continue;
        for (const MessageQueue& mq : info->mq_table) {
          owners[mq] = c.client_id.substr(0, c.client_id.find('@'));
        }
      }
    }
  }
  ctx.Print(fmt::format("{:<32}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20}  {}\n", "#Topic",
                        "#Broker Name", "#QID", "#Broker Offset", "#Consumer Offset", "#Client IP",
                        "#Diff", "#LastTime"));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("group");
  w.String(group);
  w.Key("queues");
  w.BeginArray();
  int64_t diff_total = 0;
  for (const auto& [mq, o] : stats->offset_table) {
    const int64_t diff = o.broker_offset - o.consumer_offset;
    diff_total += diff;
    auto owner = owners.find(mq);
    const std::string ip = owner == owners.end() ? "N/A" : owner->second;
    ctx.Print(fmt::format("{:<32}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20}  {}\n",
                          Front(mq.topic, 32), Front(mq.broker_name, 32), mq.queue_id,
                          o.broker_offset, o.consumer_offset, ip, diff,
                          o.last_timestamp == 0 ? "N/A" : DateTime(o.last_timestamp)));
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
    w.Key("clientIp");
    w.String(owner == owners.end() ? "" : owner->second);
    w.Key("diff");
    w.Int(diff);
    w.Key("lastTimestamp");
    w.Int(o.last_timestamp);
    w.EndObject();
  }
  w.EndArray();
  w.Key("consumeTps");
  w.Double(stats->consume_tps);
  w.Key("diffTotal");
  w.Int(diff_total);
  w.EndObject();
  ctx.Print(fmt::format("\nConsume TPS: {:.2f}\nDiff Total: {}\n", stats->consume_tps, diff_total));
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// Every group with a %RETRY% topic: connections and lag.
int RunAllProgress(Context& ctx, AdminClient& admin) {
  absl::StatusOr<protocol::TopicList> topics = admin.TopicList();
  if (!topics.ok()) return ctx.Fail(topics.status());
  std::vector<std::string> list = topics->topic_list;
  std::sort(list.begin(), list.end());
  ctx.Print(fmt::format("{:<32}  {:<6}  {:<24} {:<5}  {:<14}  {:<7}  {}\n", "#Group", "#Count",
                        "#Version", "#Type", "#Model", "#TPS", "#Diff Total"));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("groups");
  w.BeginArray();
  for (const std::string& t : list) {
    if (!t.starts_with("%RETRY%")) continue;
    const std::string group = t.substr(7);
    int64_t tps = 0;
    int64_t diff = 0;
    if (absl::StatusOr<client::admin::ConsumeStats> s = admin.ExamineConsumeStats(group); s.ok()) {
      tps = static_cast<int64_t>(s->consume_tps);
      diff = s->TotalDiff();
    }
    absl::StatusOr<client::admin::ConsumerConnection> cc = admin.ExamineConsumerConnection(group);
    const size_t count = cc.ok() ? cc->connection_set.size() : 0;
    const std::string version =
        count > 0 ? client::admin::VersionDesc(cc->MinVersion()) : "OFFLINE";
    const std::string type = count > 0 ? TypeDesc(*cc) : "";
    const std::string model =
        count > 0 && cc->consume_type == "CONSUME_PASSIVELY" ? cc->message_model : "";
    ctx.Print(fmt::format("{:<32}  {:<6}  {:<24} {:<5}  {:<14}  {:<7}  {}\n", Front(group, 32),
                          count, version, type, model, tps, diff));
    w.BeginObject();
    w.Key("group");
    w.String(group);
    w.Key("count");
    w.Int(static_cast<int64_t>(count));
    w.Key("version");
    w.String(version);
    w.Key("type");
    w.String(type);
    w.Key("model");
    w.String(model);
    w.Key("tps");
    w.Int(tps);
    w.Key("diffTotal");
    w.Int(diff);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

int RunConsumerProgress(Context& ctx, const std::string& group, const std::string& show_ip) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  if (group.empty()) return RunAllProgress(ctx, *admin);
  return RunGroupProgress(ctx, *admin, group, ParseBool(show_ip));
}

// --- consumerConnection / producerConnection ---

void WriteConnectionsJson(protocol::JsonWriter& w,
                          const std::vector<client::admin::Connection>& conns) {
  w.Key("connectionSet");
  w.BeginArray();
  for (const client::admin::Connection& c : conns) {
    w.BeginObject();
    w.Key("clientId");
    w.String(c.client_id);
    w.Key("clientAddr");
    w.String(c.client_addr);
    w.Key("language");
    w.String(c.language);
    w.Key("version");
    w.Int(c.version);
    w.Key("versionDesc");
    w.String(client::admin::VersionDesc(c.version));
    w.EndObject();
  }
  w.EndArray();
}

int RunConsumerConnection(Context& ctx, const std::string& group) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<client::admin::ConsumerConnection> cc = admin->ExamineConsumerConnection(group);
  if (!cc.ok()) return ctx.Fail(cc.status());
  int i = 1;
  for (const client::admin::Connection& c : cc->connection_set) {
    ctx.Print(fmt::format("{:03}  {:<32} {:<22} {:<8} {}\n", i++, c.client_id, c.client_addr,
                          c.language, client::admin::VersionDesc(c.version)));
  }
  ctx.Print("\nBelow is subscription:\n");
  i = 1;
  for (const auto& [topic, sub] : cc->subscription_table) {
    ctx.Print(
        fmt::format("{:03}  Topic: {:<40} SubExpression: {}\n", i++, sub.topic, sub.sub_string));
  }
  ctx.Print(fmt::format("\nConsumeType: {}\nMessageModel: {}\nConsumeFromWhere: {}\n",
                        cc->consume_type, cc->message_model, cc->consume_from_where));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("group");
  w.String(group);
  WriteConnectionsJson(w, cc->connection_set);
  w.Key("subscriptionTable");
  w.BeginObject();
  for (const auto& [topic, sub] : cc->subscription_table) {
    w.Key(topic);
    w.BeginObject();
    w.Key("topic");
    w.String(sub.topic);
    w.Key("subString");
    w.String(sub.sub_string);
    w.Key("expressionType");
    w.String(sub.expression_type);
    w.EndObject();
  }
  w.EndObject();
  w.Key("consumeType");
  w.String(cc->consume_type);
  w.Key("messageModel");
  w.String(cc->message_model);
  w.Key("consumeFromWhere");
  w.String(cc->consume_from_where);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

int RunProducerConnection(Context& ctx, const std::string& group, const std::string& topic) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<client::admin::ProducerConnection> pc =
      admin->ExamineProducerConnection(group, topic);
  if (!pc.ok()) return ctx.Fail(pc.status());
  int i = 1;
  for (const client::admin::Connection& c : pc->connection_set) {
    ctx.Print(fmt::format("{:04}  {:<32} {:<22} {:<8} {}\n", i++, c.client_id, c.client_addr,
                          c.language, client::admin::VersionDesc(c.version)));
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("group");
  w.String(group);
  WriteConnectionsJson(w, pc->connection_set);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- statsAll ---

struct StatsRow {
  std::string topic, group;
  int64_t accumulation = 0;
  double in_tps = 0, out_tps = 0;
  int64_t in_24h = 0, out_24h = 0;
  bool has_consumer = false;
};

int RunStatsAll(Context& ctx, bool active_only, const std::string& only_topic) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<protocol::TopicList> topics = admin->TopicList();
  if (!topics.ok()) return ctx.Fail(topics.status());
  std::vector<std::string> list = topics->topic_list;
  std::sort(list.begin(), list.end());
  ctx.Print(fmt::format("{:<32}  {:<32} {:>12} {:>11} {:>11} {:>14} {:>14}\n", "#Topic",
                        "#Consumer Group", "#Accumulation", "#InTPS", "#OutTPS", "#InMsg24Hour",
                        "#OutMsg24Hour"));
  std::vector<StatsRow> rows;
  for (const std::string& topic : list) {
    if (topic.starts_with("%RETRY%") || topic.starts_with("%DLQ%")) continue;
    if (!only_topic.empty() && topic != only_topic) continue;
    absl::StatusOr<protocol::TopicRouteData> route = admin->TopicRoute(topic);
    if (!route.ok()) continue;
    std::vector<std::string> masters;
    for (const protocol::BrokerData& b : route->broker_datas) {
      if (auto m = b.broker_addrs.find(0); m != b.broker_addrs.end()) masters.push_back(m->second);
    }
    StatsRow base;
    base.topic = topic;
    for (const std::string& addr : masters) {
      if (auto s = admin->ViewBrokerStats(addr, "TOPIC_PUT_NUMS", topic); s.ok()) {
        base.in_tps += s->stats_minute.tps;
        base.in_24h += s->Sum24Hour();
      }
    }
    std::vector<std::string> groups;
    if (auto g = admin->QueryTopicConsumeByWho(topic); g.ok()) groups = g->group_list;
    if (groups.empty()) {
      if (!active_only || base.in_24h > 0) {
        ctx.Print(fmt::format("{:<32}  {:<32} {:>12} {:>11.2f} {:>11} {:>14} {:>14}\n",
                              Front(topic, 32), "", 0, base.in_tps, "", base.in_24h,
                              "NO_CONSUMER"));
        rows.push_back(base);
      }
      continue;
    }
    for (const std::string& group : groups) {
      StatsRow row = base;
      row.group = group;
      row.has_consumer = true;
      for (const std::string& addr : masters) {
        if (auto s = admin->ViewBrokerStats(addr, "GROUP_GET_NUMS", topic + "@" + group); s.ok()) {
          row.out_tps += s->stats_minute.tps;
          row.out_24h += s->Sum24Hour();
        }
      }
      if (auto cs = admin->ExamineConsumeStats(group, topic); cs.ok()) {
        row.accumulation = std::max<int64_t>(0, cs->TotalDiff());
      }
      if (active_only && row.in_24h == 0 && row.out_24h == 0) continue;
      ctx.Print(fmt::format("{:<32}  {:<32} {:>12} {:>11.2f} {:>11.2f} {:>14} {:>14}\n",
                            Front(topic, 32), Front(group, 32), row.accumulation, row.in_tps,
                            row.out_tps, row.in_24h, row.out_24h));
      rows.push_back(row);
    }
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("stats");
  w.BeginArray();
  for (const StatsRow& r : rows) {
    w.BeginObject();
    w.Key("topic");
    w.String(r.topic);
    w.Key("consumerGroup");
    w.String(r.group);
    w.Key("accumulation");
    w.Int(r.accumulation);
    w.Key("inTps");
    w.Double(r.in_tps);
    w.Key("outTps");
    w.Double(r.out_tps);
    w.Key("inMsg24Hour");
    w.Int(r.in_24h);
    w.Key("outMsg24Hour");
    w.Int(r.out_24h);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

}  // namespace

void AddGroupCommands(Registry& r) {
  r.push_back({"updateSubGroup", "Update or create subscription group", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<SubGroupFlags>();
                 cmd->add_option("-b,--brokerAddr", f->broker_addr,
                                 "create subscription group to which broker");
                 cmd->add_option("-c,--clusterName", f->cluster,
                                 "create subscription group to which cluster");
                 cmd->add_option("-g,--groupName", f->group, "consumer group name")->required();
                 cmd->add_option("-s,--consumeEnable", f->consume_enable, "consume enable");
                 cmd->add_option("-m,--consumeFromMinEnable", f->from_min, "from min offset");
                 cmd->add_option("-d,--consumeBroadcastEnable", f->broadcast, "broadcast");
                 cmd->add_option("-q,--retryQueueNums", f->retry_queues, "retry queue nums");
                 cmd->add_option("-r,--retryMaxTimes", f->retry_max, "retry max times");
                 cmd->add_option("-i,--brokerId", f->broker_id, "consumer from which broker id");
                 cmd->add_option("-w,--whichBrokerWhenConsumeSlowly", f->slow_broker,
                                 "which broker id when consume slowly");
                 cmd->add_option("-a,--notifyConsumerIdsChanged", f->notify,
                                 "notify consumerId changed");
                 return [f](Context& ctx) { return RunUpdateSubGroup(ctx, *f); };
               }});
  r.push_back(
      {"deleteSubGroup", "Delete subscription group from broker.", [](CLI::App* cmd) -> RunFn {
         auto f = std::make_shared<DeleteGroupFlags>();
         cmd->add_option("-b,--brokerAddr", f->broker_addr,
                         "delete subscription group from which broker");
         cmd->add_option("-c,--clusterName", f->cluster,
                         "delete subscription group from which cluster");
         cmd->add_option("-g,--groupName", f->group, "subscription group name")->required();
         cmd->add_option("-r,--removeOffset", f->remove_offset,
                         "remove the group's offsets too (true|false, default false)");
         return [f](Context& ctx) { return RunDeleteSubGroup(ctx, *f); };
       }});
  r.push_back({"consumerProgress", "Query consumers's progress, speed", [](CLI::App* cmd) -> RunFn {
                 auto group = std::make_shared<std::string>();
                 auto show_ip = std::make_shared<std::string>();
                 cmd->add_option("-g,--groupName", *group, "consumer group name");
                 cmd->add_option("-s,--showClientIP", *show_ip, "Show Client IP per Queue");
                 return [group, show_ip](Context& ctx) {
                   return RunConsumerProgress(ctx, *group, *show_ip);
                 };
               }});
  r.push_back({"consumerConnection",
               "Query consumer's socket connection, client version and subscription",
               [](CLI::App* cmd) -> RunFn {
                 auto group = std::make_shared<std::string>();
                 cmd->add_option("-g,--consumerGroup", *group, "consumer group name")->required();
                 return [group](Context& ctx) { return RunConsumerConnection(ctx, *group); };
               }});
  r.push_back({"producerConnection", "Query producer's socket connection and client version",
               [](CLI::App* cmd) -> RunFn {
                 auto group = std::make_shared<std::string>();
                 auto topic = std::make_shared<std::string>();
                 cmd->add_option("-g,--producerGroup", *group, "producer group name")->required();
                 cmd->add_option("-t,--topic", *topic, "topic name")->required();
                 return [group, topic](Context& ctx) {
                   return RunProducerConnection(ctx, *group, *topic);
                 };
               }});
  r.push_back({"statsAll", "Topic and Consumer tps stats", [](CLI::App* cmd) -> RunFn {
                 auto active = std::make_shared<bool>(false);
                 auto topic = std::make_shared<std::string>();
                 cmd->add_flag("-a,--activeTopic", *active, "print active topic only");
                 cmd->add_option("-t,--topic", *topic, "print select topic only");
                 return [active, topic](Context& ctx) { return RunStatsAll(ctx, *active, *topic); };
               }});
}

}  // namespace tern::tools::admin
