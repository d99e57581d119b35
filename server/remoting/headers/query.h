// query.h: typed headers of the message query commands (protocol.md 2.6): VIEW_MESSAGE_BY_ID
// (33) and QUERY_MESSAGE (12).
//
// Parse errors are InvalidArgument naming the field; WriteTo emits strings only. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

struct ViewMessageRequestHeader {
  int64_t offset = 0;  // CommitLog physical offset

  static absl::StatusOr<ViewMessageRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const ViewMessageRequestHeader&) const = default;
};

// The ext field that turns a QUERY_MESSAGE into a UNIQ_KEY lookup (Java's
// MixAll.UNIQUE_MSG_QUERY_FLAG); not a field of the Java header class.
inline constexpr std::string_view kUniqueKeyQueryField = "_UNIQUE_KEY_QUERY";

struct QueryMessageRequestHeader {
  std::string topic;
  std::string key;
  int32_t max_num = 0;
  int64_t begin_timestamp = 0;
  int64_t end_timestamp = 0;
  // _UNIQUE_KEY_QUERY="true": `key` is a UNIQ_KEY and the broker uses its default maxNum.
  bool unique_key_query = false;

  static absl::StatusOr<QueryMessageRequestHeader> Parse(const RemotingCommand& cmd);
  // Writes _UNIQUE_KEY_QUERY too ("false" when unset, as the Java client does).
  void WriteTo(ExtFields& out) const;
  bool operator==(const QueryMessageRequestHeader&) const = default;
};

// Set on code 0 and on 22 (nothing found) alike.
struct QueryMessageResponseHeader {
  int64_t index_last_update_timestamp = 0;
  int64_t index_last_update_phyoffset = 0;

  static absl::StatusOr<QueryMessageResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const QueryMessageResponseHeader&) const = default;
};

}  // namespace tern::remoting
