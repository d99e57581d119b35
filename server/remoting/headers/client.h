// client.h: typed headers of the client-management commands (protocol.md 2.5):
// GET_CONSUMER_LIST_BY_GROUP (38), UNREGISTER_CLIENT (35) and the broker's
// NOTIFY_CONSUMER_IDS_CHANGED (40).
//
// Parse errors are InvalidArgument naming the field; WriteTo emits strings only. Responses to
// 35 and 38 carry no header fields (Java sends "extFields":{}). Plain values.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

// GET_CONSUMER_LIST_BY_GROUP (38) and NOTIFY_CONSUMER_IDS_CHANGED (40): consumerGroup.
struct ConsumerGroupRequestHeader {
  std::string consumer_group;

  static absl::StatusOr<ConsumerGroupRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const ConsumerGroupRequestHeader&) const = default;
};
using GetConsumerListByGroupRequestHeader = ConsumerGroupRequestHeader;
using NotifyConsumerIdsChangedRequestHeader = ConsumerGroupRequestHeader;

struct UnregisterClientRequestHeader {
  std::string client_id;  // "clientID"
  std::optional<std::string> producer_group;
  std::optional<std::string> consumer_group;

  static absl::StatusOr<UnregisterClientRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const UnregisterClientRequestHeader&) const = default;
};

}  // namespace tern::remoting
