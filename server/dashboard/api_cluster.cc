// DashboardApi: construction, the cluster snapshot, the Cluster page and its TPS history.
#include <fmt/format.h>

#include "engine/base/clock.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "server/dashboard/api.h"

namespace tern::dashboard {

using protocol::JsonWriter;

DashboardApi::DashboardApi(client::admin::AdminClient* admin, ApiOptions options,
                           const ThroughputHistory* history)
    : admin_(admin), options_(std::move(options)), history_(history) {}

DashboardApi::~DashboardApi() {
  MutexLock lock(&producer_mu_);
  if (producer_) producer_->Shutdown();
}

absl::StatusOr<client::Producer*> DashboardApi::GetProducer() {
  MutexLock lock(&producer_mu_);
  if (producer_) return producer_.get();
  client::ClientConfig config;
  config.namesrv_addrs = options_.namesrv_addrs;
  config.instance_name = "tern-dashboard";
  client::ProducerOptions po;
  po.group = options_.producer_group;
  po.retry_times_when_send_failed = 0;
  auto producer = std::make_unique<client::Producer>(std::move(config), po);
  TERN_RETURN_IF_ERROR(producer->Start());
  producer_ = std::move(producer);
  return producer_.get();
}

absl::StatusOr<DashboardApi::ClusterSnapshot> DashboardApi::LoadCluster() {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, admin_->ClusterInfo());
  ClusterSnapshot snap;
  std::map<std::string, std::string> cluster_of;
  for (const auto& [cluster, names] : info.cluster_addr_table) {
    for (const std::string& n : names) cluster_of[n] = cluster;
  }
  for (const auto& [name, data] : info.broker_addr_table) {
    for (const auto& [id, addr] : data.broker_addrs) {
      BrokerRow row;
      row.cluster = cluster_of.count(name) ? cluster_of[name] : data.cluster;
      row.name = name;
      row.id = id;
      row.addr = addr;
      absl::StatusOr<protocol::KVTable> kv = admin_->BrokerRuntimeInfo(addr);
      if (kv.ok()) {
        row.runtime = kv->table;
      } else {
        row.error = std::string(MessageOf(kv.status()));
      }
      auto inc = row.runtime.find("inconsistentSubscriptions");
      if (inc != row.runtime.end()) {
        std::string_view list = inc->second;
        while (!list.empty()) {
          const size_t comma = list.find(',');
          const std::string_view item = list.substr(0, comma);
          if (!item.empty()) snap.inconsistent.insert(std::string(item));
          if (comma == std::string_view::npos) break;
          list.remove_prefix(comma + 1);
        }
      }
      snap.brokers.push_back(std::move(row));
    }
  }
  snap.loaded_ms = NowMillis();
  return snap;
}

absl::StatusOr<TtlCache<DashboardApi::ClusterSnapshot>::Ptr> DashboardApi::ClusterData() {
  return cluster_cache_.Get("cluster", options_.detail_ttl, [this] { return LoadCluster(); });
}

absl::StatusOr<std::vector<std::string>> DashboardApi::MasterAddrs() {
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  std::vector<std::string> out;
  for (const BrokerRow& b : snap->brokers) {
    if (b.id == 0) out.push_back(b.addr);
  }
  return out;
}

namespace {

std::string RuntimeValue(const std::map<std::string, std::string>& t, const std::string& key) {
  auto it = t.find(key);
  return it == t.end() ? std::string() : it->second;
}

// The first figure of a "putTps"-style value ("12.5 10.1 9.8"), or 0.
double FirstRate(const std::string& rates) {
  char* end = nullptr;
  const double d = std::strtod(rates.c_str(), &end);
  return end == rates.c_str() ? 0 : d;
}

}  // namespace

absl::StatusOr<std::string> DashboardApi::Cluster(const Params&) {
  TERN_ASSIGN_OR_RETURN(auto snap, ClusterData());
  JsonWriter w;
  w.BeginObject();
  w.Key("namesrv");
  w.BeginArray();
  for (const std::string& a : admin_->options().namesrv_addrs) w.String(a);
  w.EndArray();
  w.Key("loadedAt");
  w.Int(snap->loaded_ms);
  w.Key("brokers");
  w.BeginArray();
  for (const BrokerRow& b : snap->brokers) {
    auto rt = [&](const char* k) { return RuntimeValue(b.runtime, k); };
    w.BeginObject();
    w.Key("cluster");
    w.String(b.cluster);
    w.Key("brokerName");
    w.String(b.name);
    w.Key("brokerId");
    w.Int(b.id);
    w.Key("role");
    w.String(b.id == 0 ? "MASTER" : "SLAVE");
    w.Key("addr");
    w.String(b.addr);
    w.Key("version");
    w.String(rt("brokerVersionDesc"));
    w.Key("diskRatio");
    w.String(rt("commitLogDiskRatio"));
    w.Key("commitLogMaxOffset");
    w.String(rt("commitLogMaxOffset"));
    w.Key("commitLogMinOffset");
    w.String(rt("commitLogMinOffset"));
    w.Key("putTps");
    w.Double(FirstRate(rt("putTps")));
    w.Key("getTps");
    w.Double(FirstRate(rt("getTransferedTps")));
    w.Key("msgPutTotalTodayNow");
    w.String(rt("msgPutTotalTodayNow"));
    w.Key("msgGetTotalTodayNow");
    w.String(rt("msgGetTotalTodayNow"));
    w.Key("bootTimestamp");
    w.String(rt("bootTimestamp"));
    w.Key("runtime");
    w.String(rt("runtime"));
    w.Key("connections");
    w.String(rt("connections"));
    if (!b.error.empty()) {
      w.Key("error");
      w.String(b.error);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::string> DashboardApi::ClusterTps(const Params&) {
  const std::vector<ThroughputPoint> points =
      history_ ? history_->Points() : std::vector<ThroughputPoint>{};
  JsonWriter w;
  w.BeginObject();
  w.Key("points");
  w.BeginArray();
  for (const ThroughputPoint& p : points) {
    w.BeginObject();
    w.Key("t");
    w.Int(p.time_ms);
    w.Key("in");
    w.Double(p.in_tps);
    w.Key("out");
    w.Double(p.out_tps);
    w.Key("brokers");
    w.BeginObject();
    for (const auto& [name, io] : p.brokers) {
      w.Key(name);
      w.BeginArray();
      w.Double(io.first);
      w.Double(io.second);
      w.EndArray();
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<std::vector<BrokerCounterSample>> DashboardApi::SampleCounters() {
  TERN_ASSIGN_OR_RETURN(ClusterSnapshot snap, LoadCluster());
  std::vector<BrokerCounterSample> out;
  for (const BrokerRow& b : snap.brokers) {
    if (!b.error.empty()) continue;
    BrokerCounterSample s;
    s.broker = fmt::format("{}@{}", b.name, b.addr);
    s.put_total = std::strtoll(RuntimeValue(b.runtime, "msgPutTotalTodayNow").c_str(), nullptr, 10);
    s.get_total = std::strtoll(RuntimeValue(b.runtime, "msgGetTotalTodayNow").c_str(), nullptr, 10);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace tern::dashboard
