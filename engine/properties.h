// properties.h: the message properties string, name\x01value\x02 pairs (protocol.md 4.3),
// and the property names the broker and store act on.
//
// Decoding follows the Java client's rules exactly: split on \x02, keep a segment only if it
// contains \x01 with a non-empty name and a non-empty value; the value is everything after
// the first \x01. Both 4.8 (every pair ends with \x02) and 4.9 (last \x02 dropped) forms are
// read; the encoder writes the 4.8 form (byte parity with the Java 4.8.0 store).
// Pure functions; views returned borrow the input string.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::engine {

namespace property {
inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kWaitStoreMsgOk = "WAIT";
inline constexpr std::string_view kDelayLevel = "DELAY";
inline constexpr std::string_view kRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kRealTopic = "REAL_TOPIC";
inline constexpr std::string_view kRealQueueId = "REAL_QID";
inline constexpr std::string_view kTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kProducerGroup = "PGROUP";
inline constexpr std::string_view kMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kMaxOffset = "MAX_OFFSET";
inline constexpr std::string_view kUniqueClientMessageIdKey = "UNIQ_KEY";
inline constexpr std::string_view kOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kCluster = "CLUSTER";
inline constexpr std::string_view kStartDeliverTime = "__STARTDELIVERTIME";
inline constexpr std::string_view kTimerDeliverMs = "TIMER_DELIVER_MS";
inline constexpr std::string_view kTimerDelaySec = "TIMER_DELAY_SEC";
inline constexpr std::string_view kTransactionPreparedQueueOffset = "TRAN_PREPARED_QUEUE_OFFSET";
inline constexpr std::string_view kTransactionCheckTimes = "TRANSACTION_CHECK_TIMES";
inline constexpr std::string_view kCheckImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS";
inline constexpr std::string_view kMessageType = "MSG_TYPE";
// Request-reply (4.6+): the requester's CORRELATION_ID, REPLY_TO_CLIENT (its client id) and
// TTL (its timeout, ms) are copied into the reply, whose MSG_TYPE is "reply"; the broker adds
// PUSH_REPLY_TIME when it pushes a reply, the requester ARRIVE_TIME when one arrives.
inline constexpr std::string_view kCorrelationId = "CORRELATION_ID";
inline constexpr std::string_view kReplyToClient = "REPLY_TO_CLIENT";
inline constexpr std::string_view kMessageTtl = "TTL";
inline constexpr std::string_view kReplyMessageArriveTime = "ARRIVE_TIME";
inline constexpr std::string_view kPushReplyTime = "PUSH_REPLY_TIME";
inline constexpr std::string_view kReplyMessageFlag = "reply";  // the MSG_TYPE value
}  // namespace property

inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';

// Calls f(name, value) for each valid pair, in order.
template <typename F>
void ForEachProperty(std::string_view props, F&& f) {
  size_t pos = 0;
  while (pos < props.size()) {
    size_t end = props.find(kPropertySeparator, pos);
    if (end == std::string_view::npos) end = props.size();
    const std::string_view seg = props.substr(pos, end - pos);
    const size_t sep = seg.find(kNameValueSeparator);
    if (seg.size() >= 3 && sep != std::string_view::npos && sep > 0 && sep + 1 < seg.size()) {
      f(seg.substr(0, sep), seg.substr(sep + 1));
    }
    pos = end + 1;
  }
}

// The value of `name`, or nullopt. When a name repeats, the last one wins (Java's map).
std::optional<std::string_view> FindProperty(std::string_view props, std::string_view name);

using PropertyList = std::vector<std::pair<std::string, std::string>>;

// All valid pairs, in order (duplicates kept as they appear).
PropertyList ParseProperties(std::string_view props);

// Appends name\x01value\x02.
void AppendProperty(std::string* out, std::string_view name, std::string_view value);

// Encodes pairs in order, each ending with \x02 (4.8 form).
std::string EncodeProperties(const PropertyList& props);

// Calls f(key) for each non-empty key in a KEYS value (keys are space-separated).
template <typename F>
void ForEachKey(std::string_view keys, F&& f) {
  size_t pos = 0;
  while (pos <= keys.size()) {
    size_t end = keys.find(' ', pos);
    if (end == std::string_view::npos) end = keys.size();
    if (end > pos) f(keys.substr(pos, end - pos));
    pos = end + 1;
  }
}

}  // namespace tern::engine
