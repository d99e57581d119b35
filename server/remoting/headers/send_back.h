// send_back.h: the typed header of CONSUMER_SEND_MSG_BACK (36, protocol.md 2.5, 7.3): a
// consumer hands a message it failed to consume back to the broker, which schedules it on
// %RETRY%<group> (or moves it to %DLQ%<group>).
//
// offset is the CommitLog physical offset of the consumed message; delayLevel 0 lets the
// broker choose (3 + reconsume times), < 0 sends it straight to the DLQ; maxReconsumeTimes is
// honoured only for request version >= V3_4_9 (121), which the processor decides.
//
// Parse errors are InvalidArgument naming the field; WriteTo emits strings only. Plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

struct ConsumerSendMsgBackRequestHeader {
  int64_t offset = 0;
  std::string group;
  int32_t delay_level = 0;
  std::optional<std::string> origin_msg_id;
  std::optional<std::string> origin_topic;
  bool unit_mode = false;
  std::optional<int32_t> max_reconsume_times;

  static absl::StatusOr<ConsumerSendMsgBackRequestHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const ConsumerSendMsgBackRequestHeader&) const = default;
};

}  // namespace tern::remoting
