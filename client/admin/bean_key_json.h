// bean_key_json.h: reading fastjson bodies whose maps are keyed by a bean, as the admin
// commands' answers are (protocol.md 2.7, 2.8):
//   {"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{...},...}}
// A Map<MessageQueue, X> is written with the bean's JSON object as the key, unquoted. That is
// not JSON, and the members around such a map (consumeTps above, ConsumerRunningInfo's
// properties and subscriptionSet) are needed too, so a parser of the map alone is not enough.
//
// QuoteBeanKeys rewrites the text into fastjson's ordinary dialect: every object key that is
// itself an object or an array becomes a JSON string holding the key's text verbatim
// ("{\"brokerName\":\"b\",...}"); every other byte is copied. ParseBeanKeyedBody then parses
// the result with engine/metadata/fastjson.h (bare numeric keys and all), and
// ReadMessageQueueKey turns such a key string back into a MessageQueue (members in any order,
// numbers as strings accepted, unknown members ignored, as fastjson reads it).
//
// Any input is safe: nesting is capped at kMaxBeanKeyDepth and errors are InvalidArgument
// naming the byte offset. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/message.h"
#include "rapidjson/document.h"

namespace tern::client::admin {

inline constexpr int kMaxBeanKeyDepth = 64;

absl::StatusOr<std::string> QuoteBeanKeys(std::string_view text);

// QuoteBeanKeys + ParseFastjson; requires an object at the root.
absl::Status ParseBeanKeyedBody(std::string_view text, rapidjson::Document& doc);

// A key written by QuoteBeanKeys for a MessageQueue bean. `path` names it in errors.
absl::StatusOr<MessageQueue> ReadMessageQueueKey(std::string_view key, std::string_view path);

}  // namespace tern::client::admin
