// `tern admin` topic commands: updateTopic, deleteTopic, topicList, topicRoute, topicStatus,
// topicClusterList, updateTopicPerm (mqadmin's tools/command/topic).
#include <fmt/format.h>

#include <map>

#include "engine/base/strings.h"
#include "tools/admin/admin_cli.h"

namespace tern::tools::admin {

using client::MessageQueue;
using client::admin::AdminClient;
using client::admin::TopicConfig;

namespace {

constexpr std::string_view kOrderTopicConfig = "ORDER_TOPIC_CONFIG";

void WriteTopicConfigJson(protocol::JsonWriter& w, const TopicConfig& c) {
  w.BeginObject();
  w.Key("order");
  w.Bool(c.order);
  w.Key("perm");
  w.Int(c.perm);
  w.Key("readQueueNums");
  w.Int(c.read_queue_nums);
  w.Key("topicFilterType");
  w.String(c.topic_filter_type);
  w.Key("topicName");
  w.String(c.topic_name);
  w.Key("topicSysFlag");
  w.Int(c.topic_sys_flag);
  w.Key("writeQueueNums");
  w.Int(c.write_queue_nums);
  w.EndObject();
}

// --- updateTopic ---

struct UpdateTopicFlags {
  std::string broker_addr, cluster, topic, order, unit, has_unit_sub;
  int32_t read_queues = 8, write_queues = 8, perm = 6;
};

// createOrUpdateOrderConf(topic, "brokerName:n", isCluster=false): merges into the existing
// ORDER_TOPIC_CONFIG value, one entry per broker name.
absl::Status MergeOrderConf(AdminClient& admin, const std::string& topic, const std::string& conf) {
  std::map<std::string, std::string> entries;
  absl::StatusOr<std::string> old = admin.GetKvConfig(std::string(kOrderTopicConfig), topic);
  if (old.ok()) {
    std::string_view rest = *old;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view item = rest.substr(0, semi);
      if (!item.empty()) entries[std::string(item.substr(0, item.find(':')))] = std::string(item);
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  entries[conf.substr(0, conf.find(':'))] = conf;
  std::string merged;
  for (const auto& [name, item] : entries) merged += (merged.empty() ? "" : ";") + item;
  return admin.PutKvConfig(std::string(kOrderTopicConfig), topic, merged);
}

int RunUpdateTopic(Context& ctx, const UpdateTopicFlags& f) {
  if (f.broker_addr.empty() == f.cluster.empty()) return ctx.Usage("give one of -b or -c");
  TopicConfig c;
  c.topic_name = f.topic;
  c.read_queue_nums = f.read_queues;
  c.write_queue_nums = f.write_queues;
  c.perm = f.perm;
  c.topic_sys_flag = (ParseBool(f.unit) ? 1 : 0) | (ParseBool(f.has_unit_sub) ? 2 : 0);
  c.order = ParseBool(f.order);
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  std::vector<std::string> addrs;
  if (!f.broker_addr.empty()) {
    addrs.push_back(f.broker_addr);
  } else {
    absl::StatusOr<std::vector<std::string>> masters = admin->MasterAddrs(f.cluster);
    if (!masters.ok()) return ctx.Fail(masters.status());
    addrs = *masters;
  }
  for (const std::string& addr : addrs) {
    if (absl::Status s = admin->CreateTopic(addr, c); !s.ok()) return ctx.Fail(s);
    ctx.Print(fmt::format("create topic to {} success.\n", addr));
  }
  std::string order_conf;
  if (c.order) {
    if (!f.broker_addr.empty()) {
      absl::StatusOr<std::string> name = admin->BrokerNameOf(f.broker_addr);
      if (!name.ok()) return ctx.Fail(name.status());
      order_conf = fmt::format("{}:{}", *name, c.write_queue_nums);
      if (absl::Status s = MergeOrderConf(*admin, c.topic_name, order_conf); !s.ok()) {
        return ctx.Fail(s);
      }
      ctx.Print(fmt::format("set broker orderConf. isOrder=true, orderConf=[{}]\n", order_conf));
    } else {
      absl::StatusOr<protocol::ClusterInfo> info = admin->ClusterInfo();
      if (!info.ok()) return ctx.Fail(info.status());
      for (const std::string& name : info->cluster_addr_table[f.cluster]) {
        order_conf +=
            fmt::format("{}{}:{}", order_conf.empty() ? "" : ";", name, c.write_queue_nums);
      }
      if (absl::Status s =
              admin->PutKvConfig(std::string(kOrderTopicConfig), c.topic_name, order_conf);
          !s.ok()) {
        return ctx.Fail(s);
      }
      ctx.Print(fmt::format("set cluster orderConf. isOrder=true, orderConf=[{}]\n", order_conf));
    }
  }
  ctx.Print(TopicConfigString(c) + "\n");
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("brokerAddrs");
  w.BeginArray();
  for (const std::string& a : addrs) w.String(a);
  w.EndArray();
  if (!order_conf.empty()) {
    w.Key("orderConf");
    w.String(order_conf);
  }
  w.Key("topicConfig");
  WriteTopicConfigJson(w, c);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- deleteTopic ---

struct TopicClusterFlags {
  std::string topic, cluster;
};

// DeleteTopicSubCommand.deleteTopic: every broker of the cluster, then every name server.
absl::Status DeleteTopic(Context& ctx, AdminClient& admin, const std::string& cluster,
                         const std::string& topic) {
  absl::StatusOr<std::vector<std::string>> addrs = admin.AllBrokerAddrs(cluster);
  if (!addrs.ok()) return addrs.status();
  for (const std::string& addr : *addrs) {
    if (absl::Status s = admin.DeleteTopicInBroker(addr, topic); !s.ok()) return s;
  }
  ctx.Print(fmt::format("delete topic [{}] from cluster [{}] success.\n", topic, cluster));
  for (const std::string& ns : admin.options().namesrv_addrs) {
    if (absl::Status s = admin.DeleteTopicInNamesrv(ns, topic); !s.ok()) return s;
  }
  ctx.Print(fmt::format("delete topic [{}] from NameServer success.\n", topic));
  return absl::OkStatus();
}

int RunDeleteTopic(Context& ctx, const TopicClusterFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  if (absl::Status s = DeleteTopic(ctx, *admin, f.cluster, f.topic); !s.ok()) return ctx.Fail(s);
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("topic");
  w.String(f.topic);
  w.Key("cluster");
  w.String(f.cluster);
  w.Key("deleted");
  w.Bool(true);
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- topicList ---

bool IsRetryOrDlq(std::string_view topic) {
  return topic.starts_with("%RETRY%") || topic.starts_with("%DLQ%");
}

int RunTopicList(Context& ctx, bool cluster_model) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<protocol::TopicList> list = admin->TopicList();
  if (!list.ok()) return ctx.Fail(list.status());
  std::vector<std::string> topics = list->topic_list;
  std::sort(topics.begin(), topics.end());
  protocol::JsonWriter w;
  w.BeginObject();
  if (!cluster_model) {
    w.Key("topicList");
    w.BeginArray();
    for (const std::string& t : topics) {
      ctx.Print(t + "\n");
      w.String(t);
    }
    w.EndArray();
  } else {
    ctx.Print(
        fmt::format("{:<20}  {:<48}  {:<48}\n", "#Cluster Name", "#Topic", "#Consumer Group"));
    w.Key("topics");
    w.BeginArray();
    for (const std::string& t : topics) {
      if (IsRetryOrDlq(t)) continue;
      std::string cluster;
      std::vector<std::string> groups;
      if (absl::StatusOr<std::vector<std::string>> c = admin->TopicClusterList(t);
          c.ok() && !c->empty()) {
        cluster = c->front();
      }
      if (absl::StatusOr<client::admin::GroupList> g = admin->QueryTopicConsumeByWho(t); g.ok()) {
        groups = g->group_list;
      }
      w.BeginObject();
      w.Key("cluster");
      w.String(cluster);
      w.Key("topic");
      w.String(t);
      w.Key("consumerGroups");
      w.BeginArray();
      for (const std::string& g : groups) w.String(g);
      w.EndArray();
      w.EndObject();
      if (groups.empty()) groups.emplace_back();
      for (const std::string& g : groups) {
        ctx.Print(fmt::format("{:<20}  {:<48}  {:<48}\n", Front(cluster, 20), Front(t, 48),
                              Front(g, 48)));
      }
    }
    w.EndArray();
  }
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- topicRoute / topicStatus / topicClusterList ---

int RunTopicRoute(Context& ctx, const std::string& topic) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<protocol::TopicRouteData> route = admin->TopicRoute(topic);
  if (!route.ok()) return ctx.Fail(route.status());
  const std::string json = route->Encode();
  ctx.Print(json + "\n");
  ctx.PrintJson(json);
  return kOk;
}

int RunTopicStatus(Context& ctx, const std::string& topic) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<client::admin::TopicStatsTable> stats = admin->ExamineTopicStats(topic);
  if (!stats.ok()) return ctx.Fail(stats.status());
  ctx.Print(fmt::format("{:<32}  {:<4}  {:<20}  {:<20}    {}\n", "#Broker Name", "#QID",
                        "#Min Offset", "#Max Offset", "#Last Updated"));
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("topic");
  w.String(topic);
  w.Key("queues");
  w.BeginArray();
  // std::map order is MessageQueue.compareTo's: topic, broker name, queue id.
  for (const auto& [mq, o] : stats->offset_table) {
    ctx.Print(fmt::format("{:<32}  {:<4}  {:<20}  {:<20}    {}\n", Front(mq.broker_name, 32),
                          mq.queue_id, o.min_offset, o.max_offset,
                          o.last_update_timestamp > 0 ? HumanTime(o.last_update_timestamp) : ""));
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
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

int RunTopicClusterList(Context& ctx, const std::string& topic) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<std::vector<std::string>> clusters = admin->TopicClusterList(topic);
  if (!clusters.ok()) return ctx.Fail(clusters.status());
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("clusters");
  w.BeginArray();
  for (const std::string& c : *clusters) {
    ctx.Print(c + "\n");
    w.String(c);
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

// --- updateTopicPerm ---

struct UpdatePermFlags {
  std::string broker_addr, cluster, topic;
  int32_t perm = 0;
};

int RunUpdateTopicPerm(Context& ctx, const UpdatePermFlags& f) {
  if (f.broker_addr.empty() == f.cluster.empty()) return ctx.Usage("give one of -b or -c");
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  absl::StatusOr<protocol::TopicRouteData> route = admin->TopicRoute(f.topic);
  if (!route.ok()) return ctx.Fail(route.status());
  if (route->queue_datas.empty()) {
    return ctx.Fail(absl::NotFoundError(fmt::format("topic {} has no queues", f.topic)));
  }
  const protocol::QueueData& first = route->queue_datas.front();
  TopicConfig c;
  c.topic_name = f.topic;
  c.read_queue_nums = first.read_queue_nums;
  c.write_queue_nums = first.write_queue_nums;
  c.topic_sys_flag = first.topic_sys_flag;
  c.perm = f.perm;
  std::vector<std::pair<std::string, int32_t>> updated;  // addr, old perm
  if (!f.broker_addr.empty()) {
    std::string broker_name;
    for (const protocol::BrokerData& b : route->broker_datas) {
      auto m = b.broker_addrs.find(0);
      if (m != b.broker_addrs.end() && m->second == f.broker_addr) broker_name = b.broker_name;
    }
    if (broker_name.empty()) {
      return ctx.Fail(absl::NotFoundError(fmt::format(
          "updateTopicPerm: {} is not a master of topic {}'s route", f.broker_addr, f.topic)));
    }
    int32_t old_perm = 0;
    for (const protocol::QueueData& q : route->queue_datas) {
      if (q.broker_name == broker_name) old_perm = q.perm;
    }
    if (old_perm == f.perm) {
      ctx.Print("new perm equals to the old one!\n");
    } else {
      if (absl::Status s = admin->CreateTopic(f.broker_addr, c); !s.ok()) return ctx.Fail(s);
      ctx.Print(fmt::format("update topic perm from {} to {} in {} success.\n", old_perm, f.perm,
                            f.broker_addr));
      ctx.Print(TopicConfigString(c) + ".\n");
      updated.emplace_back(f.broker_addr, old_perm);
    }
  } else {
    absl::StatusOr<std::vector<std::string>> masters = admin->MasterAddrs(f.cluster);
    if (!masters.ok()) return ctx.Fail(masters.status());
    for (const std::string& addr : *masters) {
      if (absl::Status s = admin->CreateTopic(addr, c); !s.ok()) return ctx.Fail(s);
      ctx.Print(fmt::format("update topic perm from {} to {} in {} success.\n", first.perm, f.perm,
                            addr));
      updated.emplace_back(addr, first.perm);
    }
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("topic");
  w.String(f.topic);
  w.Key("perm");
  w.Int(f.perm);
  w.Key("updated");
  w.BeginArray();
  for (const auto& [addr, old_perm] : updated) {
    w.BeginObject();
    w.Key("brokerAddr");
    w.String(addr);
    w.Key("oldPerm");
    w.Int(old_perm);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

}  // namespace

absl::Status DeleteTopicInCluster(Context& ctx, AdminClient& admin, const std::string& cluster,
                                  const std::string& topic) {
  return DeleteTopic(ctx, admin, cluster, topic);
}

void AddTopicCommands(Registry& r) {
  r.push_back({"updateTopic", "Update or create topic", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<UpdateTopicFlags>();
                 cmd->add_option("-b,--brokerAddr", f->broker_addr, "create topic to which broker");
                 cmd->add_option("-c,--clusterName", f->cluster, "create topic to which cluster");
                 cmd->add_option("-t,--topic", f->topic, "topic name")->required();
                 cmd->add_option("-r,--readQueueNums", f->read_queues, "set read queue nums");
                 cmd->add_option("-w,--writeQueueNums", f->write_queues, "set write queue nums");
                 cmd->add_option("-p,--perm", f->perm,
                                 "set topic's permission(2|4|6), intro[2:W 4:R; 6:RW]");
                 cmd->add_option("-o,--order", f->order, "set topic's order(true|false)");
                 cmd->add_option("-u,--unit", f->unit, "is unit topic (true|false)");
                 cmd->add_option("-s,--hasUnitSub", f->has_unit_sub, "has unit sub (true|false)");
                 return [f](Context& ctx) { return RunUpdateTopic(ctx, *f); };
               }});
  r.push_back(
      {"deleteTopic", "Delete topic from broker and NameServer.", [](CLI::App* cmd) -> RunFn {
         auto f = std::make_shared<TopicClusterFlags>();
         cmd->add_option("-t,--topic", f->topic, "topic name")->required();
         cmd->add_option("-c,--clusterName", f->cluster, "delete topic from which cluster")
             ->required();
         return [f](Context& ctx) { return RunDeleteTopic(ctx, *f); };
       }});
  r.push_back({"topicList", "Fetch all topic list from name server", [](CLI::App* cmd) -> RunFn {
                 auto cluster_model = std::make_shared<bool>(false);
                 cmd->add_flag("-c,--clusterModel", *cluster_model,
                               "with the cluster and the consumer groups of each topic");
                 return [cluster_model](Context& ctx) { return RunTopicList(ctx, *cluster_model); };
               }});
  r.push_back({"topicRoute", "Examine topic route info", [](CLI::App* cmd) -> RunFn {
                 auto topic = std::make_shared<std::string>();
                 cmd->add_option("-t,--topic", *topic, "topic name")->required();
                 return [topic](Context& ctx) { return RunTopicRoute(ctx, *topic); };
               }});
  r.push_back({"topicStatus", "Examine topic Status info", [](CLI::App* cmd) -> RunFn {
                 auto topic = std::make_shared<std::string>();
                 cmd->add_option("-t,--topic", *topic, "topic name")->required();
                 return [topic](Context& ctx) { return RunTopicStatus(ctx, *topic); };
               }});
  r.push_back({"topicClusterList", "get cluster info for topic", [](CLI::App* cmd) -> RunFn {
                 auto topic = std::make_shared<std::string>();
                 cmd->add_option("-t,--topic", *topic, "topic name")->required();
                 return [topic](Context& ctx) { return RunTopicClusterList(ctx, *topic); };
               }});
  r.push_back({"updateTopicPerm", "Update topic perm", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<UpdatePermFlags>();
                 cmd->add_option("-b,--brokerAddr", f->broker_addr, "update topic on which broker");
                 cmd->add_option("-c,--clusterName", f->cluster, "update topic on which cluster");
                 cmd->add_option("-t,--topic", f->topic, "topic name")->required();
                 cmd->add_option("-p,--perm", f->perm,
                                 "set topic's permission(2|4|6), intro[2:W; 4:R; 6:RW]")
                     ->required();
                 return [f](Context& ctx) { return RunUpdateTopicPerm(ctx, *f); };
               }});
}

}  // namespace tern::tools::admin
