// cluster_info.h: ClusterInfo, the GET_BROKER_CLUSTER_INFO (106) body (protocol.md 2.3):
//   {"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",
//     "cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}
// Java writes bare brokerId keys ({0:"..."}); Encode quotes them (admin tools accept both) and
// Decode reads both. Plain value type; functions are pure and thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/protocol/route_data.h"

namespace tern::protocol {

struct ClusterInfo {
  std::map<std::string, BrokerData> broker_addr_table;              // by broker name
  std::map<std::string, std::set<std::string>> cluster_addr_table;  // cluster -> broker names

  bool operator==(const ClusterInfo&) const = default;

  std::string Encode() const;
  static absl::StatusOr<ClusterInfo> Decode(std::string_view body);
};

}  // namespace tern::protocol
