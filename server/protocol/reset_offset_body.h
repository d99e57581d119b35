// reset_offset_body.h: bodies that are maps keyed by a MessageQueue bean: ResetOffsetBody, the
// body of RESET_CONSUMER_CLIENT_OFFSET (220) and of the INVOKE_BROKER_TO_RESET_OFFSET (222)
// response (protocol.md 2.7, 2.8), and ConsumerStatusBody (221/223).
//
// fastjson writes a Map<MessageQueue, X> with the bean's JSON object as the key, unquoted:
//   {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:5,...}}
// That is not JSON, so neither RapidJSON nor engine/metadata/fastjson.h can read it. This file
// owns the one small parser for it. ParseMessageQueueMap reads any such member (ConsumeStats,
// TopicStatsTable, ResetOffsetBody, ConsumerRunningInfo's mqTable) and hands back each value's
// raw JSON text; ResetOffsetBody::Decode builds on it. The Java broker sends the C++-client
// variant ResetOffsetBodyForC ({"offsetTable":[{"brokerName":..,"offset":5,"queueId":0,
// "topic":..}]}) when the admin request came from a CPP client: Decode accepts both forms.
//
// Leniency as fastjson: whitespace anywhere, bean members in any order, unknown members skipped,
// numbers may arrive as decimal strings ("5"), keys may be bare identifiers. Any input is safe:
// nesting is capped at kMaxMessageQueueMapDepth and errors are InvalidArgument naming the byte
// offset. Pure functions, thread-safe; results own their strings.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace tern::protocol {

inline constexpr int kMaxMessageQueueMapDepth = 64;

// A MessageQueue as the broker sees it (topic, broker, queue id).
struct MessageQueueKey {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;

  auto operator<=>(const MessageQueueKey&) const = default;
  bool operator==(const MessageQueueKey&) const = default;
};

// The key text fastjson writes: {"brokerName":"b","queueId":0,"topic":"T"} (bean fields in
// alphabetical order, strings escaped as fastjson does). Feed it to JsonWriter::ObjectKey.
std::string MessageQueueKeyJson(const MessageQueueKey& mq);

// One entry of a bean-keyed map: the key and the value's JSON text, verbatim.
struct MessageQueueMapEntry {
  MessageQueueKey queue;
  std::string value_json;
};

// Reads member `member` (e.g. "offsetTable") of the top-level object in `text` as a
// Map<MessageQueue, X>. An absent or null member is an empty result. The value of every entry
// is returned as raw JSON text (parse it with engine/metadata/fastjson.h). Entries keep their
// order in the text.
absl::StatusOr<std::vector<MessageQueueMapEntry>> ParseMessageQueueMap(std::string_view text,
                                                                       std::string_view member);

struct ResetOffsetBody {
  std::map<MessageQueueKey, int64_t> offset_table;

  bool operator==(const ResetOffsetBody&) const = default;

  // {"offsetTable":{{"brokerName":..,"queueId":..,"topic":..}:offset,...}} (Java's form).
  std::string Encode() const;
  // ResetOffsetBodyForC: {"offsetTable":[{"brokerName":..,"offset":..,"queueId":..,"topic":..}]}.
  std::string EncodeForC() const;
  // Either form. Values must be integers (or decimal strings); a duplicated queue keeps the
  // last value (Java's map put).
  static absl::StatusOr<ResetOffsetBody> Decode(std::string_view text);
};

// GetConsumerStatusBody: the body of a client's GET_CONSUMER_STATUS_FROM_CLIENT (221) answer
// (messageQueueTable: the client's offsets for the asked topic) and of the broker's
// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) answer (consumerTable: clientId -> that table).
//   {"consumerTable":{"id":{{"brokerName":..,"queueId":..,"topic":..}:5}},"messageQueueTable":{}}
struct ConsumerStatusBody {
  std::map<std::string, std::map<MessageQueueKey, int64_t>> consumer_table;
  std::map<MessageQueueKey, int64_t> message_queue_table;

  bool operator==(const ConsumerStatusBody&) const = default;

  std::string Encode() const;
  // Absent members are empty; values must be integers (or decimal strings).
  static absl::StatusOr<ConsumerStatusBody> Decode(std::string_view text);
};

}  // namespace tern::protocol
