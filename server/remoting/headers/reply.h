// reply.h: the typed header of PUSH_REPLY_MESSAGE_TO_CLIENT (326, protocol.md 2.1, 10): the
// broker hands a reply message (sent with SEND_REPLY_MESSAGE(_V2) 324/325) to the client that
// asked (REPLY_TO_CLIENT); the body is the reply's body as the replier sent it (compressed
// when sysFlag has bit 0x1).
//
// Java's ReplyMessageRequestHeader: the replier's send header (producerGroup .. unitMode)
// plus bornHost ("ip:port" of the replier), storeHost (the broker) and storeTimestamp.
// Java's client refuses the command when a @CFNotNull field is missing, so WriteTo always
// writes every field but properties and reconsumeTimes. Parse (for clients) needs only
// topic; other missing numbers read as 0. A malformed number is InvalidArgument naming the
// field. Plain value, no thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

struct ReplyMessageRequestHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;
  int32_t default_topic_queue_nums = 0;
  int32_t queue_id = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  int32_t flag = 0;
  std::optional<std::string> properties;
  std::optional<int32_t> reconsume_times;
  bool unit_mode = false;
  std::string born_host;
  std::string store_host;
  int64_t store_timestamp = 0;

  static absl::StatusOr<ReplyMessageRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const ReplyMessageRequestHeader&) const = default;
};

}  // namespace tern::remoting
