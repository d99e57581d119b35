// pull.h: typed headers of PULL_MESSAGE (11) (protocol.md 2.5) and the PullSysFlag bits.
//
// The four response fields are mandatory on every code 0/19/20/21 (Java clients unbox them).
// Parse errors are InvalidArgument naming the field; WriteTo emits strings only. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

// PullSysFlag bits of PullMessageRequestHeader::sys_flag.
namespace pull_sys_flag {
inline constexpr int32_t kCommitOffset = 0x1;
inline constexpr int32_t kSuspend = 0x2;
inline constexpr int32_t kSubscription = 0x4;
inline constexpr int32_t kClassFilter = 0x8;
inline constexpr int32_t kLitePull = 0x10;
}  // namespace pull_sys_flag

struct PullMessageRequestHeader {
  std::string consumer_group;
  std::string topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int32_t max_msg_nums = 0;
  int32_t sys_flag = 0;
  int64_t commit_offset = 0;
  int64_t suspend_timeout_millis = 0;
  std::optional<std::string> subscription;
  int64_t sub_version = 0;
  std::optional<std::string> expression_type;  // "TAG" (default) or "SQL92"
  std::optional<std::string> broker_name;      // "bname", 4.9.x+; ignored

  static absl::StatusOr<PullMessageRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const PullMessageRequestHeader&) const = default;
};

struct PullMessageResponseHeader {
  int64_t suggest_which_broker_id = 0;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;

  static absl::StatusOr<PullMessageResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const PullMessageResponseHeader&) const = default;
};

}  // namespace tern::remoting
