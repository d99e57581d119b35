#include "server/remoting/headers/send.h"

#include <fmt/format.h>

#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {
namespace {

// Field names of one spelling of the send header.
struct SendNames {
  std::string_view producer_group, topic, default_topic, default_topic_queue_nums, queue_id,
      sys_flag, born_timestamp, flag, properties, reconsume_times, unit_mode, batch,
      max_reconsume_times, broker_name;
};

constexpr SendNames kV1 = {
    "producerGroup",     "topic", "defaultTopic", "defaultTopicQueueNums", "queueId",  "sysFlag",
    "bornTimestamp",     "flag",  "properties",   "reconsumeTimes",        "unitMode", "batch",
    "maxReconsumeTimes", "bname"};
constexpr SendNames kV2 = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m", "l", "n"};

// For V2 errors, adds the V1 name: "missing required header field 'b' (topic)".
template <typename T>
absl::StatusOr<T> Named(absl::StatusOr<T> v, bool v2, std::string_view v1_name) {
  if (v.ok() || !v2) return v;
  return absl::InvalidArgumentError(fmt::format("{} ({})", MessageOf(v.status()), v1_name));
}

absl::StatusOr<SendMessageRequestHeader> ParseWith(const RemotingCommand& cmd, const SendNames& n) {
  const bool v2 = &n == &kV2;
  SendMessageRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.producer_group,
                        Named(RequiredString(cmd, n.producer_group), v2, kV1.producer_group));
  TERN_ASSIGN_OR_RETURN(h.topic, Named(RequiredString(cmd, n.topic), v2, kV1.topic));
  TERN_ASSIGN_OR_RETURN(h.default_topic,
                        Named(RequiredString(cmd, n.default_topic), v2, kV1.default_topic));
  TERN_ASSIGN_OR_RETURN(
      h.default_topic_queue_nums,
      Named(RequiredInt32(cmd, n.default_topic_queue_nums), v2, kV1.default_topic_queue_nums));
  TERN_ASSIGN_OR_RETURN(h.queue_id, Named(RequiredInt32(cmd, n.queue_id), v2, kV1.queue_id));
  TERN_ASSIGN_OR_RETURN(h.sys_flag, Named(RequiredInt32(cmd, n.sys_flag), v2, kV1.sys_flag));
  TERN_ASSIGN_OR_RETURN(h.born_timestamp,
                        Named(RequiredInt64(cmd, n.born_timestamp), v2, kV1.born_timestamp));
  TERN_ASSIGN_OR_RETURN(h.flag, Named(RequiredInt32(cmd, n.flag), v2, kV1.flag));
  h.properties = OptionalString(cmd, n.properties);
  if (const std::string* v = cmd.Field(n.reconsume_times); v != nullptr && !v->empty()) {
    TERN_ASSIGN_OR_RETURN(h.reconsume_times,
                          Named(RequiredInt32(cmd, n.reconsume_times), v2, kV1.reconsume_times));
  }
  h.unit_mode = OptionalBool(cmd, n.unit_mode, false);
  h.batch = OptionalBool(cmd, n.batch, false);
  if (const std::string* v = cmd.Field(n.max_reconsume_times); v != nullptr && !v->empty()) {
    TERN_ASSIGN_OR_RETURN(h.max_reconsume_times, Named(RequiredInt32(cmd, n.max_reconsume_times),
                                                       v2, kV1.max_reconsume_times));
  }
  h.broker_name = OptionalString(cmd, n.broker_name);
  return h;
}

void WriteWith(const SendMessageRequestHeader& h, const SendNames& n, ExtFields& out) {
  PutString(out, n.producer_group, h.producer_group);
  PutString(out, n.topic, h.topic);
  PutString(out, n.default_topic, h.default_topic);
  PutInt(out, n.default_topic_queue_nums, h.default_topic_queue_nums);
  PutInt(out, n.queue_id, h.queue_id);
  PutInt(out, n.sys_flag, h.sys_flag);
  PutInt(out, n.born_timestamp, h.born_timestamp);
  PutInt(out, n.flag, h.flag);
  if (h.properties) PutString(out, n.properties, *h.properties);
  if (h.reconsume_times) PutInt(out, n.reconsume_times, *h.reconsume_times);
  PutBool(out, n.unit_mode, h.unit_mode);
  PutBool(out, n.batch, h.batch);
  if (h.max_reconsume_times) PutInt(out, n.max_reconsume_times, *h.max_reconsume_times);
  if (h.broker_name) PutString(out, n.broker_name, *h.broker_name);
}

}  // namespace

bool SendMessageRequestHeader::UsesV2Names(int32_t code) {
  return code == request::kSendMessageV2 || code == request::kSendBatchMessage ||
         code == request::kSendReplyMessageV2;
}

absl::StatusOr<SendMessageRequestHeader> SendMessageRequestHeader::Parse(
    const RemotingCommand& cmd) {
  return UsesV2Names(cmd.code) ? ParseV2(cmd) : ParseV1(cmd);
}

absl::StatusOr<SendMessageRequestHeader> SendMessageRequestHeader::ParseV1(
    const RemotingCommand& cmd) {
  return ParseWith(cmd, kV1);
}

absl::StatusOr<SendMessageRequestHeader> SendMessageRequestHeader::ParseV2(
    const RemotingCommand& cmd) {
  return ParseWith(cmd, kV2);
}

void SendMessageRequestHeader::WriteTo(ExtFields& out) const { WriteWith(*this, kV1, out); }
void SendMessageRequestHeader::WriteToV2(ExtFields& out) const { WriteWith(*this, kV2, out); }

absl::StatusOr<SendMessageResponseHeader> SendMessageResponseHeader::Parse(
    const RemotingCommand& cmd) {
  SendMessageResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.msg_id, RequiredString(cmd, "msgId"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, RequiredInt32(cmd, "queueId"));
  TERN_ASSIGN_OR_RETURN(h.queue_offset, RequiredInt64(cmd, "queueOffset"));
  h.transaction_id = OptionalString(cmd, "transactionId");
  if (std::optional<std::string> region = OptionalString(cmd, "MSG_REGION")) {
    h.msg_region = std::move(*region);
  }
  h.trace_on = OptionalBool(cmd, "TRACE_ON", true);
  return h;
}

void SendMessageResponseHeader::WriteTo(ExtFields& out) const {
  PutString(out, "msgId", msg_id);
  PutInt(out, "queueId", queue_id);
  PutInt(out, "queueOffset", queue_offset);
  if (transaction_id) PutString(out, "transactionId", *transaction_id);
  WriteSendResponseTrailer(msg_region, trace_on, out);
}

void WriteSendResponseTrailer(std::string_view msg_region, bool trace_on, ExtFields& out) {
  PutString(out, "MSG_REGION", msg_region);
  PutBool(out, "TRACE_ON", trace_on);
}

}  // namespace tern::remoting
