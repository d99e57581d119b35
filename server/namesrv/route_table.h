// route_table.h: RouteTable, the name server's picture of the brokers and the topics they
// serve (Java RouteInfoManager; protocol.md 2.3, 3.1).
//
// Tables:
//   clusterAddrTable  cluster -> broker names
//   brokerAddrTable   broker name -> BrokerData {cluster, name, brokerId -> addr}
//   topicQueueTable   topic -> broker name -> QueueData
//   brokerLiveTable   broker addr -> {last update, DataVersion, channel id, haServerAddr}
//   filterServerTable broker addr -> filter servers (obsolete, normally empty)
//
// Rules (RouteInfoManager 4.9.8, with the differences called out):
// - Register merges, never replaces: topics absent from a registration keep their queue data
//   (incremental single-topic bodies). Queue data changes only for a master (brokerId 0), and
//   only on the broker's first registration or when its DataVersion differs from the last one
//   seen for that address. A slave's registration never touches queue data.
// - Dropping a broker address (unregister, its channel closing, 120 s without a registration)
//   removes it from brokerAddrs; when a broker name has no address left it leaves its cluster
//   and every topic's queue data, and topics left without queue data are deleted.
//   Differences: Unregister removes the brokerId entry only if it still holds that address
//   (Java removes it by id, so a late unregister of an old master could evict a new one); a
//   closed channel drops every broker registered through it (Java drops the first found).
// - A route exists only if the topic has queue data and at least one of its broker names has
//   a BrokerData.
// - AddWritePerm sets the write bit and keeps the others (Java sets perm to 6, which drops
//   TBW102's INHERIT bit until the broker's next changed registration).
//
// Thread safety: every method is thread-safe (one SharedMutex; lookups share it). Lifetimes:
// results are copies. The clock is called under the lock and must not call back.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/mutex.h"
#include "server/protocol/cluster_info.h"
#include "server/protocol/route_data.h"
#include "server/protocol/topic_config_wrapper.h"
#include "server/protocol/topic_list.h"

namespace tern::namesrv {

// Milliseconds since the epoch; injectable for tests.
using MillisClock = std::function<int64_t()>;

// A broker that has not registered for this long is dropped by ScanExpired.
inline constexpr int64_t kBrokerExpireMillis = 120'000;

struct BrokerRegistration {
  std::string cluster_name;
  std::string broker_addr;
  std::string broker_name;
  int64_t broker_id = 0;
  std::string ha_server_addr;
  uint64_t channel_id = 0;
};

struct RegisterResult {
  // Set only for a slave whose master is registered and live (REGISTER_BROKER response).
  std::optional<std::string> ha_server_addr;
  std::optional<std::string> master_addr;
};

struct BrokerLiveInfo {
  int64_t last_update_millis = 0;
  protocol::DataVersion data_version;
  uint64_t channel_id = 0;
  std::string ha_server_addr;

  bool operator==(const BrokerLiveInfo&) const = default;
};

struct DroppedBroker {
  std::string broker_addr;
  uint64_t channel_id = 0;
};

class RouteTable {
 public:
  // `clock` gives registration times; defaults to the wall clock.
  explicit RouteTable(MillisClock clock = nullptr);
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  RegisterResult Register(const BrokerRegistration& broker,
                          const protocol::TopicConfigSerializeWrapper& topics,
                          const std::vector<std::string>& filter_servers);
  // `cluster_name` is accepted for parity with the request; a broker name that loses its last
  // address leaves whichever clusters list it.
  void Unregister(std::string_view cluster_name, std::string_view broker_addr,
                  std::string_view broker_name, int64_t broker_id);
  // Drops every broker whose latest registration came through `channel_id`.
  std::vector<DroppedBroker> OnChannelClosed(uint64_t channel_id);
  // Drops every broker whose last registration is older than kBrokerExpireMillis at `now`.
  std::vector<DroppedBroker> ScanExpired(int64_t now_millis);

  // QUERY_DATA_VERSION support.
  std::optional<protocol::DataVersion> BrokerDataVersion(std::string_view broker_addr) const;
  bool IsTopicConfigChanged(std::string_view broker_addr,
                            const protocol::DataVersion& version) const;
  // Refreshes the broker's last update time (no-op for an unknown address).
  void Touch(std::string_view broker_addr);

  std::optional<protocol::TopicRouteData> PickupRoute(std::string_view topic) const;
  protocol::ClusterInfo GetClusterInfo() const;
  protocol::TopicList GetAllTopics() const;
  // Topics with queue data on any broker of `cluster`; empty for an unknown cluster.
  protocol::TopicList GetTopicsByCluster(std::string_view cluster) const;
  // Every cluster name and broker name, brokerAddr = one registered address (protocol.md 2.3).
  protocol::TopicList GetSystemTopics() const;

  // Removes the topic everywhere; false if it was unknown.
  bool DeleteTopic(std::string_view topic);
  // Removes the topic's queue data on the brokers of `cluster` only.
  bool DeleteTopic(std::string_view topic, std::string_view cluster);

  // Clears / sets the write bit of every topic's queue data on `broker_name`; returns how many
  // topics it touched.
  int WipeWritePerm(std::string_view broker_name);
  int AddWritePerm(std::string_view broker_name);

  std::optional<BrokerLiveInfo> LiveInfo(std::string_view broker_addr) const;
  size_t live_broker_count() const;

 private:
  // Removes `broker_addr` from the live table and from every BrokerData, then cascades.
  void DropAddrLocked(const std::string& broker_addr) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Removes `broker_name` from clusters and topics once it has no address left.
  void DropBrokerNameLocked(const std::string& broker_name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UpsertQueueDataLocked(const std::string& broker_name, const protocol::TopicConfig& config)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int UpdateWritePermLocked(std::string_view broker_name, bool writable)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const MillisClock clock_;
  mutable SharedMutex mu_;
  std::map<std::string, std::map<std::string, protocol::QueueData, std::less<>>, std::less<>>
      topic_queue_table_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, protocol::BrokerData, std::less<>> broker_addr_table_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> cluster_addr_table_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, BrokerLiveInfo, std::less<>> broker_live_table_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<std::string>, std::less<>> filter_server_table_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::namesrv
