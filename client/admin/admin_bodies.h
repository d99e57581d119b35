// admin_bodies.h: the answers of the broker admin commands that mqadmin reads, as plain
// structs decoded from the Java broker's fastjson bodies (protocol.md 2.7, 2.8):
//   GET_TOPIC_STATS_INFO (202)         TopicStatsTable  {"offsetTable":{MQ:{...}}}
//   GET_CONSUME_STATS (208)            ConsumeStats     {"consumeTps":0.0,"offsetTable":{MQ:{...}}}
//   GET_CONSUMER_CONNECTION_LIST (203) ConsumerConnection
//   GET_PRODUCER_CONNECTION_LIST (204) ProducerConnection {"connectionSet":[...]}
//   QUERY_TOPIC_CONSUME_BY_WHO (300)   GroupList        {"groupList":["g"]}
//   VIEW_BROKER_STATS_DATA (315)       BrokerStatsData  {"statsDay":{...},"statsHour":..,...}
//   GET_CONSUMER_RUNNING_INFO (307)    ConsumerRunningInfo (properties, subscriptions, queues)
//   CONSUME_MESSAGE_DIRECTLY (309)     ConsumeMessageDirectlyResult
// MQ is a MessageQueue bean used as a map key (bean_key_json.h).
//
// Decoding is as lenient as fastjson: members in any order, unknown members ignored, missing
// or null members keep the defaults below, numbers may be strings, enums names or ordinals.
// Errors are InvalidArgument naming the JSON path. Plain value types; functions are pure and
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/message.h"

namespace tern::client::admin {

struct TopicOffset {
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  int64_t last_update_timestamp = 0;  // store time of the message at max-1; 0 if none
  bool operator==(const TopicOffset&) const = default;
};

struct TopicStatsTable {
  std::map<MessageQueue, TopicOffset> offset_table;
  static absl::StatusOr<TopicStatsTable> Decode(std::string_view body);
};

struct OffsetWrapper {
  int64_t broker_offset = 0;
  int64_t consumer_offset = 0;
  int64_t last_timestamp = 0;  // store time of the message at consumerOffset-1; 0 if none
  bool operator==(const OffsetWrapper&) const = default;
};

struct ConsumeStats {
  double consume_tps = 0;
  std::map<MessageQueue, OffsetWrapper> offset_table;
  // Java's computeTotalDiff: sum of brokerOffset - consumerOffset.
  int64_t TotalDiff() const;
  static absl::StatusOr<ConsumeStats> Decode(std::string_view body);
};

struct Connection {
  std::string client_id;
  std::string client_addr;
  std::string language;  // LanguageCode name ("JAVA", "CPP", ...)
  int32_t version = 0;   // MQVersion ordinal
  bool operator==(const Connection&) const = default;
};

// The part of a SubscriptionData the admin commands show.
struct Subscription {
  std::string topic;
  std::string sub_string;
  std::string expression_type = "TAG";
  std::vector<std::string> tags;
  int64_t sub_version = 0;
  bool operator==(const Subscription&) const = default;
};

struct ConsumerConnection {
  std::vector<Connection> connection_set;
  std::map<std::string, Subscription> subscription_table;  // by topic
  std::string consume_type;        // CONSUME_ACTIVELY (pull) / CONSUME_PASSIVELY (push)
  std::string message_model;       // CLUSTERING / BROADCASTING
  std::string consume_from_where;  // CONSUME_FROM_LAST_OFFSET, ...
  // Java's computeMinVersion (the oldest client version online; 0 when none).
  int32_t MinVersion() const;
  static absl::StatusOr<ConsumerConnection> Decode(std::string_view body);
};

struct ProducerConnection {
  std::vector<Connection> connection_set;
  static absl::StatusOr<ProducerConnection> Decode(std::string_view body);
};

struct GroupList {
  std::vector<std::string> group_list;
  static absl::StatusOr<GroupList> Decode(std::string_view body);
};

struct BrokerStatsItem {
  int64_t sum = 0;
  double tps = 0;
  double avgpt = 0;
  bool operator==(const BrokerStatsItem&) const = default;
};

struct BrokerStatsData {
  BrokerStatsItem stats_minute;
  BrokerStatsItem stats_hour;
  BrokerStatsItem stats_day;
  // mqadmin statsAll's compute24HourSum: the day's sum, else the hour's, else the minute's.
  int64_t Sum24Hour() const;
  static absl::StatusOr<BrokerStatsData> Decode(std::string_view body);
};

struct ConsumerRunningInfo {
  std::map<std::string, std::string> properties;
  std::vector<Subscription> subscription_set;
  // The queues the client holds (the keys of mqTable; their ProcessQueueInfo is not kept).
  std::set<MessageQueue> mq_table;
  std::string jstack;
  static absl::StatusOr<ConsumerRunningInfo> Decode(std::string_view body);
};

// CONSUME_MESSAGE_DIRECTLY (309): what the consumer did with the message.
struct ConsumeMessageDirectlyResult {
  bool order = false;
  bool auto_commit = true;
  std::string consume_result;  // CMResult: CR_SUCCESS, CR_LATER, CR_ROLLBACK, ...
  std::string remark;
  int64_t spent_time_mills = 0;
  // Java's toString.
  std::string ToString() const;
  static absl::StatusOr<ConsumeMessageDirectlyResult> Decode(std::string_view body);
};

// MQVersion.getVersionDesc: "V4_8_0" for 373, ... ("HIGHER_VERSION" past the table).
std::string VersionDesc(int32_t ordinal);

}  // namespace tern::client::admin
