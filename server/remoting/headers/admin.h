// admin.h: typed headers of the broker admin commands (protocol.md 2.7):
// UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_BROKER_CONFIG (26).
//
// Parse errors are InvalidArgument naming the field; WriteTo emits strings only. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

struct CreateTopicRequestHeader {
  std::string topic;
  std::string default_topic;
  int32_t read_queue_nums = 0;
  int32_t write_queue_nums = 0;
  int32_t perm = 0;
  std::string topic_filter_type;  // "SINGLE_TAG" / "MULTI_TAG"
  std::optional<int32_t> topic_sys_flag;
  // Java marks it required but defaults it to false, so a missing value reads as false.
  bool order = false;

  static absl::StatusOr<CreateTopicRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const CreateTopicRequestHeader&) const = default;
};

// DELETE_TOPIC_IN_BROKER (215).
struct DeleteTopicRequestHeader {
  std::string topic;

  static absl::StatusOr<DeleteTopicRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const DeleteTopicRequestHeader&) const = default;
};

struct GetBrokerConfigResponseHeader {
  std::string version;  // the broker's DataVersion as JSON text

  static absl::StatusOr<GetBrokerConfigResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const GetBrokerConfigResponseHeader&) const = default;
};

}  // namespace tern::remoting
