// offset.h: typed headers of the consumer-offset and queue-offset commands (protocol.md 2.5):
// QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_TIMESTAMP (29),
// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32).
//
// Parse errors are InvalidArgument naming the field; WriteTo emits strings only. Response
// headers are written with WriteHeader (header_fields.h), which also creates an empty
// extFields for UpdateConsumerOffsetResponseHeader as Java does. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

struct QueryConsumerOffsetRequestHeader {
  std::string consumer_group;
  std::string topic;
  int32_t queue_id = 0;

  static absl::StatusOr<QueryConsumerOffsetRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const QueryConsumerOffsetRequestHeader&) const = default;
};

struct QueryConsumerOffsetResponseHeader {
  int64_t offset = 0;

  static absl::StatusOr<QueryConsumerOffsetResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const QueryConsumerOffsetResponseHeader&) const = default;
};

struct UpdateConsumerOffsetRequestHeader {
  std::string consumer_group;
  std::string topic;
  int32_t queue_id = 0;
  int64_t commit_offset = 0;  // stored verbatim, may be negative (ali-ons sends -1)

  static absl::StatusOr<UpdateConsumerOffsetRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const UpdateConsumerOffsetRequestHeader&) const = default;
};

// No fields; Java still answers with "extFields":{} (use WriteHeader).
struct UpdateConsumerOffsetResponseHeader {
  static absl::StatusOr<UpdateConsumerOffsetResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const UpdateConsumerOffsetResponseHeader&) const = default;
};

// GET_MAX_OFFSET, GET_MIN_OFFSET and GET_EARLIEST_MSG_STORETIME requests: topic and queueId.
struct QueueRequestHeader {
  std::string topic;
  int32_t queue_id = 0;

  static absl::StatusOr<QueueRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const QueueRequestHeader&) const = default;
};
using GetMaxOffsetRequestHeader = QueueRequestHeader;
using GetMinOffsetRequestHeader = QueueRequestHeader;
using GetEarliestMsgStoretimeRequestHeader = QueueRequestHeader;

// GET_MAX_OFFSET, GET_MIN_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP responses: `offset`.
struct OffsetResponseHeader {
  int64_t offset = 0;

  static absl::StatusOr<OffsetResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const OffsetResponseHeader&) const = default;
};
using GetMaxOffsetResponseHeader = OffsetResponseHeader;
using GetMinOffsetResponseHeader = OffsetResponseHeader;
using SearchOffsetResponseHeader = OffsetResponseHeader;

struct SearchOffsetRequestHeader {
  std::string topic;
  int32_t queue_id = 0;
  int64_t timestamp = 0;  // ms

  static absl::StatusOr<SearchOffsetRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const SearchOffsetRequestHeader&) const = default;
};

struct GetEarliestMsgStoretimeResponseHeader {
  int64_t timestamp = 0;

  static absl::StatusOr<GetEarliestMsgStoretimeResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const GetEarliestMsgStoretimeResponseHeader&) const = default;
};

}  // namespace tern::remoting
