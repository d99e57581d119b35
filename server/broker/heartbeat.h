// heartbeat.h: the HEART_BEAT body (HeartbeatData JSON, protocol.md 2.5) decoded leniently:
// enum names or ordinals (cpp), subVersion as number or string, codeSet ignored (recomputed
// from the tags), keys in any order, unknown fields ignored. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/broker/client_registry.h"

namespace tern::broker {

struct HeartbeatData {
  std::string client_id;
  std::vector<ConsumerHeartbeat> consumers;
  std::vector<std::string> producer_groups;
};

absl::StatusOr<HeartbeatData> DecodeHeartbeat(std::string_view body);

// {"consumerIdList":[...]} for GET_CONSUMER_LIST_BY_GROUP.
std::string EncodeConsumerIdList(const std::vector<std::string>& ids);

}  // namespace tern::broker
