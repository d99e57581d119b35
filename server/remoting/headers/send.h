// send.h: typed headers of the producer send commands (protocol.md 2.4): SEND_MESSAGE (10),
// SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320) and the reply variants (324, 325).
//
// One request struct covers both header spellings: V1 uses the Java field names
// (producerGroup, topic, ...), V2 the single letters a..n (SendMessageRequestHeaderV2).
// Parse() picks the spelling by request code (V2 for 310, 320, 325). Whether the body is a
// batch is the header's batch flag (V1 `batch`, V2 `m`) on every code, as in the Java broker
// (cpp sends batches as 310 with m=true).
//
// Parse errors are InvalidArgument naming the missing or malformed field (for V2 also its V1
// name). WriteTo emits strings only. Plain values, no thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

struct SendMessageRequestHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;
  int32_t default_topic_queue_nums = 0;
  int32_t queue_id = 0;  // < 0: the broker picks a queue
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  int32_t flag = 0;
  std::optional<std::string> properties;
  std::optional<int32_t> reconsume_times;
  bool unit_mode = false;
  bool batch = false;
  std::optional<int32_t> max_reconsume_times;
  std::optional<std::string> broker_name;  // V1 "bname", V2 "n" (4.9.x+); ignored by brokers

  // True for the codes whose header uses the V2 single-letter names.
  static bool UsesV2Names(int32_t code);
  static absl::StatusOr<SendMessageRequestHeader> Parse(const RemotingCommand& cmd);
  static absl::StatusOr<SendMessageRequestHeader> ParseV1(const RemotingCommand& cmd);
  static absl::StatusOr<SendMessageRequestHeader> ParseV2(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;    // V1 names
  void WriteToV2(ExtFields& out) const;  // V2 names
  bool operator==(const SendMessageRequestHeader&) const = default;
};

// Every field the Java producer reads must be present: msgId, queueId, queueOffset always,
// MSG_REGION and TRACE_ON added by the broker to every send response (errors included).
struct SendMessageResponseHeader {
  std::string msg_id;  // offset message id(s), comma-joined for a batch
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  std::optional<std::string> transaction_id;
  std::string msg_region = "DefaultRegion";  // MSG_REGION
  bool trace_on = true;                      // TRACE_ON

  // For clients: msgId, queueId and queueOffset are required; MSG_REGION and TRACE_ON
  // default as above when absent.
  static absl::StatusOr<SendMessageResponseHeader> Parse(const RemotingCommand& cmd);
  void WriteTo(ExtFields& out) const;
  bool operator==(const SendMessageResponseHeader&) const = default;
};

// The two ext fields the broker adds to every send response, also when the send failed.
void WriteSendResponseTrailer(std::string_view msg_region, bool trace_on, ExtFields& out);

}  // namespace tern::remoting
