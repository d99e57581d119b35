// subscription_group.h: subscriptionGroup.json, the consumer groups'
// settings (Java SubscriptionGroupManager).
//
//   {"dataVersion":{...},
//    "subscriptionGroupTable":{"G":{"brokerId":0,...},...}}
//
// Encode writes Java's byte layout with groups sorted by name (Java writes its
// HashMap order). Decode is as tolerant as Java's reader: missing members take
// the Java defaults below, numbers and booleans may be strings. Per-group
// members this struct does not know (from newer or patched brokers) are
// dropped: they are not kept for re-encoding, so a file rewritten by Tern
// loses them.
//
// Plain value types; the functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/metadata/data_version.h"

namespace tern::engine::metadata {

// Java 4.8's SubscriptionGroupConfig.
struct SubscriptionGroupConfig {
  std::string group_name;  // Java null when absent; "" here
  bool consume_enable = true;
  bool consume_from_min_enable = true;
  bool consume_broadcast_enable = true;
  int32_t retry_queue_nums = 1;
  int32_t retry_max_times = 16;
  int64_t broker_id = 0;  // MixAll.MASTER_ID
  int64_t which_broker_when_consume_slowly = 1;
  bool notify_consumer_ids_changed_enable = true;

  bool operator==(const SubscriptionGroupConfig&) const = default;
};

struct SubscriptionGroupFile {
  DataVersion data_version;
  // By group name.
  std::map<std::string, SubscriptionGroupConfig> subscription_group_table;

  bool operator==(const SubscriptionGroupFile&) const = default;

  std::string Encode() const;
  static absl::StatusOr<SubscriptionGroupFile> Decode(std::string_view text);
};

}  // namespace tern::engine::metadata
