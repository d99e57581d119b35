// route_data.h: TopicRouteData, QueueData and BrokerData, the GET_ROUTEINFO_BY_TOPIC (105)
// body (protocol.md 3.1), and BrokerData's codec shared with ClusterInfo.
//
// Encode writes what every client parses (protocol.md 3.1, pitfall 8):
//   {"brokerDatas":[{"brokerAddrs":{"1":"10.0.0.2:10911","0":"10.0.0.1:10911"},
//     "brokerName":"broker-a","cluster":"DefaultCluster"}],
//    "filterServerTable":{},
//    "orderTopicConf":"broker-a:4"            (only when set)
//    "queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,
//     "topicSynFlag":0,"topicSysFlag":0,"writeQueueNums":4}]}
// - compact, no whitespace (the Go client splits the brokerAddrs text on ',' and ':');
// - brokerAddrs keys always quoted (standard JSON), unlike fastjson's {0:"..."};
// - brokerAddrs written in descending brokerId order, so the master ("0") comes last. Go
//   clients before v2.1.2 parse a quoted key "1" as id 0 (strconv.ParseInt fails on the quotes
//   and the error is dropped), so each entry overwrites id 0 and the last one wins: writing
//   the master last keeps their master address right. Every other parser ignores entry order.
// - QueueData carries both spellings of the sysflag: `topicSynFlag` (4.8.0 name servers, the
//   Go client's tag, Java 4.8 clients) and `topicSysFlag` (4.9.x). Parsers ignore the other.
// Decode accepts the 4.8.0/4.9.x forms: quoted or bare brokerId keys, either sysflag spelling
// (topicSysFlag wins when both are present), unknown fields ignored.
//
// Plain value types; functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"
#include "server/protocol/json_writer.h"

namespace tern::protocol {

// One broker name's queues of a topic.
struct QueueData {
  std::string broker_name;
  int32_t read_queue_nums = 0;
  int32_t write_queue_nums = 0;
  int32_t perm = 0;
  int32_t topic_sys_flag = 0;

  bool operator==(const QueueData&) const = default;
};

// A broker name's addresses: brokerId (0 = master) -> "ip:port".
struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<int64_t, std::string> broker_addrs;

  bool operator==(const BrokerData&) const = default;
};

struct TopicRouteData {
  std::optional<std::string> order_topic_conf;
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;
  // brokerAddr -> filter servers (obsolete; normally empty, written as {}).
  std::map<std::string, std::vector<std::string>> filter_server_table;

  bool operator==(const TopicRouteData&) const = default;

  std::string Encode() const;
  static absl::StatusOr<TopicRouteData> Decode(std::string_view body);
};

void WriteQueueData(const QueueData& queue_data, JsonWriter& w);
absl::StatusOr<QueueData> ReadQueueData(const rapidjson::Value& value, std::string_view path);
void WriteBrokerData(const BrokerData& broker_data, JsonWriter& w);
absl::StatusOr<BrokerData> ReadBrokerData(const rapidjson::Value& value, std::string_view path);

}  // namespace tern::protocol
