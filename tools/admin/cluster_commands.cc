// `tern admin` cluster, broker and name server commands: clusterList, brokerStatus,
// getBrokerConfig, updateBrokerConfig, cleanExpiredCQ, getNamesrvConfig, updateNamesrvConfig,
// updateKvConfig, deleteKvConfig, wipeWritePerm, addWritePerm (mqadmin's tools/command/
// cluster, broker and namesrv).
#include <fmt/format.h>

#include <chrono>
#include <set>
#include <thread>

#include "tools/admin/admin_cli.h"

namespace tern::tools::admin {

using client::admin::AdminClient;

namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Get(const std::map<std::string, std::string>& t, const std::string& k) {
  auto it = t.find(k);
  return it == t.end() ? "" : it->second;
}

double FirstDouble(const std::string& s) {
  return s.empty() ? 0 : std::strtod(s.substr(0, s.find(' ')).c_str(), nullptr);
}

int64_t Long(const std::string& s) { return s.empty() ? 0 : std::strtoll(s.c_str(), nullptr, 10); }

void WriteStringMap(protocol::JsonWriter& w, const std::map<std::string, std::string>& m) {
  w.BeginObject();
  for (const auto& [k, v] : m) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
}

// --- clusterList ---

int PrintClusterList(Context& ctx, AdminClient& admin, bool more) {
  absl::StatusOr<protocol::ClusterInfo> info = admin.ClusterInfo();
  if (!info.ok()) return ctx.Fail(info.status());
  if (more) {
    ctx.Print(fmt::format("{:<16}  {:<32} {:>14} {:>14} {:>14} {:>14}\n", "#Cluster Name",
                          "#Broker Name", "#InTotalYest", "#OutTotalYest", "#InTotalToday",
                          "#OutTotalToday"));
  } else {
    ctx.Print(fmt::format("{:<16}  {:<22}  {:<4}  {:<22} {:<16} {:>19} {:>19} {:>10} {:>5} {:>6}\n",
                          "#Cluster Name", "#Broker Name", "#BID", "#Addr", "#Version",
                          "#InTPS(LOAD)", "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour", "#SPACE"));
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("brokers");
  w.BeginArray();
  for (const auto& [cluster, names] : info->cluster_addr_table) {
    for (const std::string& name : names) {  // std::set: sorted, as mqadmin's TreeSet
      auto b = info->broker_addr_table.find(name);
      if (b == info->broker_addr_table.end()) continue;
      for (const auto& [id, addr] : b->second.broker_addrs) {
        std::map<std::string, std::string> t;
        absl::StatusOr<protocol::KVTable> kv = admin.BrokerRuntimeInfo(addr);
        if (kv.ok()) {
          t = kv->table;
        } else {
          ctx.Warn(kv.status());
        }
        w.BeginObject();
        w.Key("cluster");
        w.String(cluster);
        w.Key("brokerName");
        w.String(name);
        w.Key("brokerId");
        w.Int(id);
        w.Key("addr");
        w.String(addr);
        w.Key("runtime");
        WriteStringMap(w, t);
        w.EndObject();
        if (more) {
          const int64_t in_yest =
              Long(Get(t, "msgPutTotalTodayMorning")) - Long(Get(t, "msgPutTotalYesterdayMorning"));
          const int64_t out_yest =
              Long(Get(t, "msgGetTotalTodayMorning")) - Long(Get(t, "msgGetTotalYesterdayMorning"));
          const int64_t in_today =
              Long(Get(t, "msgPutTotalTodayNow")) - Long(Get(t, "msgPutTotalTodayMorning"));
          const int64_t out_today =
              Long(Get(t, "msgGetTotalTodayNow")) - Long(Get(t, "msgGetTotalTodayMorning"));
          ctx.Print(fmt::format("{:<16}  {:<32} {:>14} {:>14} {:>14} {:>14}\n", cluster, name,
                                in_yest, out_yest, in_today, out_today));
          continue;
        }
        const std::string earliest = Get(t, "earliestMessageTimeStamp");
        const double hour =
            earliest.empty() ? 0.0 : static_cast<double>(NowMillis() - Long(earliest)) / 3600000.0;
        const std::string ratio = Get(t, "commitLogDiskRatio");
        const double space = ratio.empty() ? 0.0 : std::strtod(ratio.c_str(), nullptr);
        ctx.Print(
            fmt::format("{:<16}  {:<22}  {:<4}  {:<22} {:<16} {:>19} {:>19} {:>10} {:>5} {:>6}\n",
                        cluster, name, id, addr, Get(t, "brokerVersionDesc"),
                        fmt::format("{:9.2f}({},{}ms)", FirstDouble(Get(t, "putTps")),
                                    Get(t, "sendThreadPoolQueueSize"),
                                    Get(t, "sendThreadPoolQueueHeadWaitTimeMills")),
                        fmt::format("{:9.2f}({},{}ms)", FirstDouble(Get(t, "getTransferedTps")),
                                    Get(t, "pullThreadPoolQueueSize"),
                                    Get(t, "pullThreadPoolQueueHeadWaitTimeMills")),
                        Get(t, "pageCacheLockTimeMills"), fmt::format("{:2.2f}", hour),
                        fmt::format("{:.4f}", space)));
      }
    }
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

int RunClusterList(Context& ctx, bool more, int64_t interval_secs) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  for (int64_t i = 0;; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::seconds(interval_secs));
    if (int rc = PrintClusterList(ctx, *admin, more); rc != kOk) return rc;
    if (interval_secs <= 0) return kOk;
  }
}

// --- brokerStatus / getBrokerConfig / updateBrokerConfig / cleanExpiredCQ ---

struct BrokerOrCluster {
  std::string broker_addr, cluster;
};

int RunBrokerStatus(Context& ctx, const BrokerOrCluster& f) {
  if (f.broker_addr.empty() == f.cluster.empty()) return ctx.Usage("give one of -b or -c");
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  std::vector<std::string> addrs{f.broker_addr};
  if (!f.cluster.empty()) {
    absl::StatusOr<std::vector<std::string>> all = admin->AllBrokerAddrs(f.cluster);
    if (!all.ok()) return ctx.Fail(all.status());
    addrs = *all;
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("brokers");
  w.BeginArray();
  int rc = kOk;
  for (const std::string& addr : addrs) {
    absl::StatusOr<protocol::KVTable> kv = admin->BrokerRuntimeInfo(addr);
    if (!kv.ok()) {
      rc = ctx.Fail(kv.status());
      if (f.cluster.empty()) return rc;
      continue;
    }
    for (const auto& [k, v] : kv->table) {  // sorted, as mqadmin's TreeMap
      ctx.Print(f.cluster.empty() ? fmt::format("{:<32}: {}\n", k, v)
                                  : fmt::format("{:<24} {:<32}: {}\n", addr, k, v));
    }
    w.BeginObject();
    w.Key("addr");
    w.String(addr);
    w.Key("table");
    WriteStringMap(w, kv->table);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return rc;
}

int RunGetBrokerConfig(Context& ctx, const BrokerOrCluster& f) {
  if (f.broker_addr.empty() == f.cluster.empty()) return ctx.Usage("give one of -b or -c");
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  // (address, banner) in mqadmin's order: each master, then its slaves.
  std::vector<std::pair<std::string, std::string>> targets;
  if (!f.broker_addr.empty()) {
    targets.emplace_back(f.broker_addr, fmt::format("============{}============\n", f.broker_addr));
  } else {
    absl::StatusOr<protocol::ClusterInfo> info = admin->ClusterInfo();
    if (!info.ok()) return ctx.Fail(info.status());
    auto c = info->cluster_addr_table.find(f.cluster);
    if (c == info->cluster_addr_table.end()) {
      return ctx.Fail(absl::NotFoundError(fmt::format("cluster '{}' is not known", f.cluster)));
    }
    for (const std::string& name : c->second) {
      auto b = info->broker_addr_table.find(name);
      if (b == info->broker_addr_table.end()) continue;
      auto m = b->second.broker_addrs.find(0);
      const std::string master = m == b->second.broker_addrs.end() ? "" : m->second;
      if (!master.empty()) {
        targets.emplace_back(master, fmt::format("============Master: {}============\n", master));
      }
      for (const auto& [id, addr] : b->second.broker_addrs) {
        if (id == 0) continue;
        targets.emplace_back(
            addr,
            fmt::format("============My Master: {}=====Slave: {}============\n", master, addr));
      }
    }
  }
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("brokers");
  w.BeginArray();
  for (const auto& [addr, banner] : targets) {
    absl::StatusOr<protocol::PropertyEntries> props = admin->BrokerConfig(addr);
    if (!props.ok()) return ctx.Fail(props.status());
    ctx.Print(banner);
    w.BeginObject();
    w.Key("addr");
    w.String(addr);
    w.Key("config");
    w.BeginObject();
    for (const auto& [k, v] : *props) {
      ctx.Print(fmt::format("{:<50}=  {}\n", k, v));
      w.Key(k);
      w.String(v);
    }
    w.EndObject();
    w.EndObject();
    ctx.Print("\n");
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

struct UpdateConfigFlags {
  std::string broker_addr, cluster, key, value;
};

int RunUpdateBrokerConfig(Context& ctx, const UpdateConfigFlags& f) {
  if (f.broker_addr.empty() == f.cluster.empty()) return ctx.Usage("give one of -b or -c");
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  std::vector<std::string> addrs{f.broker_addr};
  if (!f.cluster.empty()) {
    absl::StatusOr<std::vector<std::string>> masters = admin->MasterAddrs(f.cluster);
    if (!masters.ok()) return ctx.Fail(masters.status());
    addrs = *masters;
  }
  int rc = kOk;
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("updated");
  w.BeginArray();
  for (const std::string& addr : addrs) {
    if (absl::Status s = admin->UpdateBrokerConfig(addr, {{f.key, f.value}}); !s.ok()) {
      rc = ctx.Fail(s);
      continue;
    }
    ctx.Print(fmt::format("update broker config success, {}\n", addr));
    w.String(addr);
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return rc;
}

int RunCleanExpiredCQ(Context& ctx, const BrokerOrCluster& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  std::vector<std::string> addrs;
  if (!f.broker_addr.empty()) {
    addrs.push_back(f.broker_addr);
  } else {
    absl::StatusOr<protocol::ClusterInfo> info = admin->ClusterInfo();
    if (!info.ok()) return ctx.Fail(info.status());
    std::set<std::string> all;
    for (const auto& [cluster, names] : info->cluster_addr_table) {
      if (!f.cluster.empty() && cluster != f.cluster) continue;
      for (const std::string& name : names) {
        auto b = info->broker_addr_table.find(name);
        if (b == info->broker_addr_table.end()) continue;
        for (const auto& [id, addr] : b->second.broker_addrs) all.insert(addr);
      }
    }
    addrs.assign(all.begin(), all.end());
  }
  bool ok = !addrs.empty();
  for (const std::string& addr : addrs) {
    if (absl::Status s = admin->CleanExpiredConsumeQueue(addr); !s.ok()) {
      ctx.Fail(s);
      ok = false;
    }
  }
  ctx.Print(ok ? "success\n" : "false\n");
  ctx.PrintJson(fmt::format(R"({{"success":{}}})", ok ? "true" : "false"));
  return ok ? kOk : kFailed;
}

// --- name servers ---

int RunGetNamesrvConfig(Context& ctx) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  protocol::JsonWriter w;
  w.BeginObject();
  for (const std::string& ns : admin->options().namesrv_addrs) {
    absl::StatusOr<protocol::PropertyEntries> props = admin->NamesrvConfig(ns);
    if (!props.ok()) return ctx.Fail(props.status());
    ctx.Print(fmt::format("============{}============\n", ns));
    w.Key(ns);
    w.BeginObject();
    for (const auto& [k, v] : *props) {
      ctx.Print(fmt::format("{:<50}=  {}\n", k, v));
      w.Key(k);
      w.String(v);
    }
    w.EndObject();
  }
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return kOk;
}

struct KvFlags {
  std::string ns, key, value;
};

int RunUpdateNamesrvConfig(Context& ctx, const KvFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  for (const std::string& ns : admin->options().namesrv_addrs) {
    if (absl::Status s = admin->UpdateNamesrvConfig(ns, {{f.key, f.value}}); !s.ok()) {
      return ctx.Fail(s);
    }
  }
  ctx.Print(fmt::format("update name server config success!{}\n{} : {}\n",
                        ctx.flags().namesrv.empty() ? "" : "[" + ctx.flags().namesrv + "]", f.key,
                        f.value));
  ctx.PrintJson(R"({"success":true})");
  return kOk;
}

int RunUpdateKvConfig(Context& ctx, const KvFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  if (absl::Status s = admin->PutKvConfig(f.ns, f.key, f.value); !s.ok()) return ctx.Fail(s);
  ctx.Print("create or update kv config to namespace success.\n");
  ctx.PrintJson(R"({"success":true})");
  return kOk;
}

int RunDeleteKvConfig(Context& ctx, const KvFlags& f) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  if (absl::Status s = admin->DeleteKvConfig(f.ns, f.key); !s.ok()) return ctx.Fail(s);
  ctx.Print("delete kv config from namespace success.\n");
  ctx.PrintJson(R"({"success":true})");
  return kOk;
}

// wipeWritePerm / addWritePerm: every name server given with -n.
int RunWritePerm(Context& ctx, const std::string& broker_name, bool add) {
  AdminClient* admin = ctx.Admin();
  if (admin == nullptr) return kFailed;
  const char* verb = add ? "add" : "wipe";
  int rc = kOk;
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("nameServers");
  w.BeginArray();
  for (const std::string& ns : admin->options().namesrv_addrs) {
    absl::StatusOr<int32_t> n =
        add ? admin->AddWritePerm(ns, broker_name) : admin->WipeWritePerm(ns, broker_name);
    w.BeginObject();
    w.Key("nameServer");
    w.String(ns);
    w.Key("ok");
    w.Bool(n.ok());
    if (n.ok()) {
      ctx.Print(fmt::format("{} write perm of broker[{}] in name server[{}] OK, {}\n", verb,
                            broker_name, ns, *n));
      w.Key(add ? "addTopicCount" : "wipeTopicCount");
      w.Int(*n);
    } else {
      ctx.Print(fmt::format("{} write perm of broker[{}] in name server[{}] Failed\n", verb,
                            broker_name, ns));
      rc = ctx.Fail(n.status());
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ctx.PrintJson(std::move(w).Finish());
  return rc;
}

}  // namespace

void AddClusterCommands(Registry& r) {
  r.push_back({"clusterList", "List all of clusters", [](CLI::App* cmd) -> RunFn {
                 auto more = std::make_shared<bool>(false);
                 auto interval = std::make_shared<int64_t>(0);
                 cmd->add_flag("-m,--moreStats", *more, "Print more stats");
                 cmd->add_option("-i,--interval", *interval,
                                 "specify intervals numbers, it is in seconds (repeats forever)");
                 return [more, interval](Context& ctx) {
                   return RunClusterList(ctx, *more, *interval);
                 };
               }});
  r.push_back({"brokerStatus", "Fetch broker runtime status data", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<BrokerOrCluster>();
                 cmd->add_option("-b,--brokerAddr", f->broker_addr, "Broker address");
                 cmd->add_option("-c,--clusterName", f->cluster, "which cluster");
                 return [f](Context& ctx) { return RunBrokerStatus(ctx, *f); };
               }});
  r.push_back({"getBrokerConfig", "Get broker config by cluster or special broker!",
               [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<BrokerOrCluster>();
                 cmd->add_option("-b,--brokerAddr", f->broker_addr, "get which broker");
                 cmd->add_option("-c,--clusterName", f->cluster, "get which cluster");
                 return [f](Context& ctx) { return RunGetBrokerConfig(ctx, *f); };
               }});
  r.push_back({"updateBrokerConfig", "Update broker's config", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<UpdateConfigFlags>();
                 cmd->add_option("-b,--brokerAddr", f->broker_addr, "update which broker");
                 cmd->add_option("-c,--clusterName", f->cluster, "update which cluster");
                 cmd->add_option("-k,--key", f->key, "config key")->required();
                 cmd->add_option("-v,--value", f->value, "config value")->required();
                 return [f](Context& ctx) { return RunUpdateBrokerConfig(ctx, *f); };
               }});
  r.push_back(
      {"cleanExpiredCQ", "Clean expired ConsumeQueue on broker.", [](CLI::App* cmd) -> RunFn {
         auto f = std::make_shared<BrokerOrCluster>();
         cmd->add_option("-b,--brokerAddr", f->broker_addr, "Broker address");
         cmd->add_option("-c,--cluster", f->cluster, "clustername (default: every one)");
         return [f](Context& ctx) { return RunCleanExpiredCQ(ctx, *f); };
       }});
  r.push_back({"getNamesrvConfig", "Get configs of name server.", [](CLI::App*) -> RunFn {
                 return [](Context& ctx) { return RunGetNamesrvConfig(ctx); };
               }});
  r.push_back({"updateNamesrvConfig", "Update configs of name server.", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<KvFlags>();
                 cmd->add_option("-k,--key", f->key, "config key")->required();
                 cmd->add_option("-v,--value", f->value, "config value")->required();
                 return [f](Context& ctx) { return RunUpdateNamesrvConfig(ctx, *f); };
               }});
  r.push_back({"updateKvConfig", "Create or update KV config.", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<KvFlags>();
                 cmd->add_option("-s,--namespace", f->ns, "set the namespace")->required();
                 cmd->add_option("-k,--key", f->key, "set the key name")->required();
                 cmd->add_option("-v,--value", f->value, "set the key value")->required();
                 return [f](Context& ctx) { return RunUpdateKvConfig(ctx, *f); };
               }});
  r.push_back({"deleteKvConfig", "Delete KV config.", [](CLI::App* cmd) -> RunFn {
                 auto f = std::make_shared<KvFlags>();
                 cmd->add_option("-s,--namespace", f->ns, "set the namespace")->required();
                 cmd->add_option("-k,--key", f->key, "set the key name")->required();
                 return [f](Context& ctx) { return RunDeleteKvConfig(ctx, *f); };
               }});
  r.push_back(
      {"wipeWritePerm", "Wipe write perm of broker in all name server", [](CLI::App* cmd) -> RunFn {
         auto name = std::make_shared<std::string>();
         cmd->add_option("-b,--brokerName", *name, "broker name")->required();
         return [name](Context& ctx) { return RunWritePerm(ctx, *name, /*add=*/false); };
       }});
  r.push_back({"addWritePerm",
               "Add write perm of broker in all name server you defined in the -n param",
               [](CLI::App* cmd) -> RunFn {
                 auto name = std::make_shared<std::string>();
                 cmd->add_option("-b,--brokerName", *name, "broker name")->required();
                 return [name](Context& ctx) { return RunWritePerm(ctx, *name, /*add=*/true); };
               }});
}

}  // namespace tern::tools::admin
