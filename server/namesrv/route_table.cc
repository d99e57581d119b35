#include "server/namesrv/route_table.h"

#include <utility>

#include "engine/base/clock.h"
#include "server/protocol/perm.h"

namespace tern::namesrv {

using protocol::BrokerData;
using protocol::QueueData;

RouteTable::RouteTable(MillisClock clock)
    : clock_(clock ? std::move(clock) : MillisClock([] { return NowMillis(); })) {}

RegisterResult RouteTable::Register(const BrokerRegistration& broker,
                                    const protocol::TopicConfigSerializeWrapper& topics,
                                    const std::vector<std::string>& filter_servers) {
  RegisterResult result;
  WriterLock lock(&mu_);
  cluster_addr_table_[broker.cluster_name].insert(broker.broker_name);

  bool first_registration = false;
  auto [it, inserted] = broker_addr_table_.try_emplace(broker.broker_name);
  BrokerData& data = it->second;
  if (inserted) {
    first_registration = true;
    data.cluster = broker.cluster_name;
    data.broker_name = broker.broker_name;
  }
  // Slave -> master switch: one address holds one brokerId.
  std::erase_if(data.broker_addrs, [&](const auto& entry) {
    return entry.second == broker.broker_addr && entry.first != broker.broker_id;
  });
  const bool new_id =
      data.broker_addrs.insert_or_assign(broker.broker_id, broker.broker_addr).second;
  first_registration = first_registration || new_id;

  if (broker.broker_id == protocol::kMasterId) {
    const auto live = broker_live_table_.find(broker.broker_addr);
    const bool changed =
        live == broker_live_table_.end() || !(live->second.data_version == topics.data_version);
    if (changed || first_registration) {
      for (const auto& [name, config] : topics.topic_config_table) {
        UpsertQueueDataLocked(broker.broker_name, config);
      }
    }
  }

  broker_live_table_.insert_or_assign(
      broker.broker_addr,
      BrokerLiveInfo{clock_(), topics.data_version, broker.channel_id, broker.ha_server_addr});

  if (filter_servers.empty()) {
    filter_server_table_.erase(broker.broker_addr);
  } else {
    filter_server_table_.insert_or_assign(broker.broker_addr, filter_servers);
  }

  if (broker.broker_id != protocol::kMasterId) {
    const auto master = data.broker_addrs.find(protocol::kMasterId);
    if (master != data.broker_addrs.end()) {
      const auto master_live = broker_live_table_.find(master->second);
      if (master_live != broker_live_table_.end()) {
        result.ha_server_addr = master_live->second.ha_server_addr;
        result.master_addr = master->second;
      }
    }
  }
  return result;
}

void RouteTable::UpsertQueueDataLocked(const std::string& broker_name,
                                       const protocol::TopicConfig& config) {
  QueueData q;
  q.broker_name = broker_name;
  q.read_queue_nums = config.read_queue_nums;
  q.write_queue_nums = config.write_queue_nums;
  q.perm = config.perm;
  q.topic_sys_flag = config.topic_sys_flag;
  topic_queue_table_[config.topic_name].insert_or_assign(broker_name, std::move(q));
}

void RouteTable::Unregister(std::string_view cluster_name, std::string_view broker_addr,
                            std::string_view broker_name, int64_t broker_id) {
  WriterLock lock(&mu_);
  if (auto live = broker_live_table_.find(broker_addr); live != broker_live_table_.end()) {
    broker_live_table_.erase(live);
  }
  if (auto f = filter_server_table_.find(broker_addr); f != filter_server_table_.end()) {
    filter_server_table_.erase(f);
  }
  auto data = broker_addr_table_.find(broker_name);
  if (data == broker_addr_table_.end()) return;
  auto addr = data->second.broker_addrs.find(broker_id);
  if (addr != data->second.broker_addrs.end() && addr->second == broker_addr) {
    data->second.broker_addrs.erase(addr);
  }
  if (data->second.broker_addrs.empty()) {
    const std::string name = data->first;
    broker_addr_table_.erase(data);
    DropBrokerNameLocked(name);
  }
}

void RouteTable::DropAddrLocked(const std::string& broker_addr) {
  broker_live_table_.erase(broker_addr);
  filter_server_table_.erase(broker_addr);
  std::vector<std::string> emptied;
  for (auto& [name, data] : broker_addr_table_) {
    const size_t removed = std::erase_if(
        data.broker_addrs, [&](const auto& entry) { return entry.second == broker_addr; });
    if (removed > 0 && data.broker_addrs.empty()) emptied.push_back(name);
  }
  for (const std::string& name : emptied) {
    broker_addr_table_.erase(name);
    DropBrokerNameLocked(name);
  }
}

void RouteTable::DropBrokerNameLocked(const std::string& broker_name) {
  for (auto it = cluster_addr_table_.begin(); it != cluster_addr_table_.end();) {
    it->second.erase(broker_name);
    it = it->second.empty() ? cluster_addr_table_.erase(it) : std::next(it);
  }
  for (auto it = topic_queue_table_.begin(); it != topic_queue_table_.end();) {
    it->second.erase(broker_name);
    it = it->second.empty() ? topic_queue_table_.erase(it) : std::next(it);
  }
}

std::vector<DroppedBroker> RouteTable::OnChannelClosed(uint64_t channel_id) {
  std::vector<DroppedBroker> dropped;
  WriterLock lock(&mu_);
  for (const auto& [addr, live] : broker_live_table_) {
    if (live.channel_id == channel_id) dropped.push_back({addr, live.channel_id});
  }
  for (const DroppedBroker& d : dropped) DropAddrLocked(d.broker_addr);
  return dropped;
}

std::vector<DroppedBroker> RouteTable::ScanExpired(int64_t now_millis) {
  std::vector<DroppedBroker> dropped;
  WriterLock lock(&mu_);
  for (const auto& [addr, live] : broker_live_table_) {
    if (live.last_update_millis + kBrokerExpireMillis < now_millis) {
      dropped.push_back({addr, live.channel_id});
    }
  }
  for (const DroppedBroker& d : dropped) DropAddrLocked(d.broker_addr);
  return dropped;
}

std::optional<protocol::DataVersion> RouteTable::BrokerDataVersion(
    std::string_view broker_addr) const {
  ReaderLock lock(&mu_);
  const auto live = broker_live_table_.find(broker_addr);
  if (live == broker_live_table_.end()) return std::nullopt;
  return live->second.data_version;
}

bool RouteTable::IsTopicConfigChanged(std::string_view broker_addr,
                                      const protocol::DataVersion& version) const {
  const std::optional<protocol::DataVersion> stored = BrokerDataVersion(broker_addr);
  return !stored.has_value() || !(*stored == version);
}

void RouteTable::Touch(std::string_view broker_addr) {
  WriterLock lock(&mu_);
  const auto live = broker_live_table_.find(broker_addr);
  if (live != broker_live_table_.end()) live->second.last_update_millis = clock_();
}

std::optional<protocol::TopicRouteData> RouteTable::PickupRoute(std::string_view topic) const {
  ReaderLock lock(&mu_);
  const auto queues = topic_queue_table_.find(topic);
  if (queues == topic_queue_table_.end() || queues->second.empty()) return std::nullopt;
  protocol::TopicRouteData route;
  for (const auto& [broker_name, queue_data] : queues->second) {
    route.queue_datas.push_back(queue_data);
    const auto broker = broker_addr_table_.find(broker_name);
    if (broker == broker_addr_table_.end()) continue;
    route.broker_datas.push_back(broker->second);
    if (filter_server_table_.empty()) continue;
    for (const auto& [id, addr] : broker->second.broker_addrs) {
      const auto filters = filter_server_table_.find(addr);
      if (filters != filter_server_table_.end()) {
        route.filter_server_table.insert_or_assign(addr, filters->second);
      }
    }
  }
  if (route.broker_datas.empty()) return std::nullopt;
  return route;
}

protocol::ClusterInfo RouteTable::GetClusterInfo() const {
  protocol::ClusterInfo info;
  ReaderLock lock(&mu_);
  for (const auto& [name, data] : broker_addr_table_) info.broker_addr_table.emplace(name, data);
  for (const auto& [cluster, names] : cluster_addr_table_) {
    info.cluster_addr_table[cluster].insert(names.begin(), names.end());
  }
  return info;
}

protocol::TopicList RouteTable::GetAllTopics() const {
  protocol::TopicList list;
  ReaderLock lock(&mu_);
  list.topic_list.reserve(topic_queue_table_.size());
  for (const auto& [topic, queues] : topic_queue_table_) list.topic_list.push_back(topic);
  return list;
}

protocol::TopicList RouteTable::GetTopicsByCluster(std::string_view cluster) const {
  protocol::TopicList list;
  ReaderLock lock(&mu_);
  const auto names = cluster_addr_table_.find(cluster);
  if (names == cluster_addr_table_.end()) return list;
  for (const auto& [topic, queues] : topic_queue_table_) {
    for (const std::string& name : names->second) {
      if (queues.contains(name)) {
        list.topic_list.push_back(topic);
        break;
      }
    }
  }
  return list;
}

protocol::TopicList RouteTable::GetSystemTopics() const {
  protocol::TopicList list;
  ReaderLock lock(&mu_);
  for (const auto& [cluster, names] : cluster_addr_table_) {
    list.topic_list.push_back(cluster);
    list.topic_list.insert(list.topic_list.end(), names.begin(), names.end());
  }
  for (const auto& [name, data] : broker_addr_table_) {
    if (!data.broker_addrs.empty()) {
      list.broker_addr = data.broker_addrs.begin()->second;  // lowest id: the master if any
      break;
    }
  }
  return list;
}

bool RouteTable::DeleteTopic(std::string_view topic) {
  WriterLock lock(&mu_);
  const auto it = topic_queue_table_.find(topic);
  if (it == topic_queue_table_.end()) return false;
  topic_queue_table_.erase(it);
  return true;
}

bool RouteTable::DeleteTopic(std::string_view topic, std::string_view cluster) {
  WriterLock lock(&mu_);
  const auto names = cluster_addr_table_.find(cluster);
  const auto queues = topic_queue_table_.find(topic);
  if (names == cluster_addr_table_.end() || queues == topic_queue_table_.end()) return false;
  size_t removed = 0;
  for (const std::string& name : names->second) removed += queues->second.erase(name);
  if (queues->second.empty()) topic_queue_table_.erase(queues);
  return removed > 0;
}

int RouteTable::UpdateWritePermLocked(std::string_view broker_name, bool writable) {
  int touched = 0;
  for (auto& [topic, queues] : topic_queue_table_) {
    const auto q = queues.find(broker_name);
    if (q == queues.end()) continue;
    q->second.perm = writable ? (q->second.perm | protocol::kPermWrite)
                              : (q->second.perm & ~protocol::kPermWrite);
    ++touched;
  }
  return touched;
}

int RouteTable::WipeWritePerm(std::string_view broker_name) {
  WriterLock lock(&mu_);
  return UpdateWritePermLocked(broker_name, false);
}

int RouteTable::AddWritePerm(std::string_view broker_name) {
  WriterLock lock(&mu_);
  return UpdateWritePermLocked(broker_name, true);
}

std::optional<BrokerLiveInfo> RouteTable::LiveInfo(std::string_view broker_addr) const {
  ReaderLock lock(&mu_);
  const auto live = broker_live_table_.find(broker_addr);
  if (live == broker_live_table_.end()) return std::nullopt;
  return live->second;
}

size_t RouteTable::live_broker_count() const {
  ReaderLock lock(&mu_);
  return broker_live_table_.size();
}

}  // namespace tern::namesrv
