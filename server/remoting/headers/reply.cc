#include "server/remoting/headers/reply.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<ReplyMessageRequestHeader> ReplyMessageRequestHeader::Parse(
    const RemotingCommand& cmd) {
  ReplyMessageRequestHeader h;
  h.producer_group = OptionalString(cmd, "producerGroup").value_or("");
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  h.default_topic = OptionalString(cmd, "defaultTopic").value_or("");
  TERN_ASSIGN_OR_RETURN(h.default_topic_queue_nums, OptionalInt32(cmd, "defaultTopicQueueNums", 0));
  TERN_ASSIGN_OR_RETURN(h.queue_id, OptionalInt32(cmd, "queueId", 0));
  TERN_ASSIGN_OR_RETURN(h.sys_flag, OptionalInt32(cmd, "sysFlag", 0));
  TERN_ASSIGN_OR_RETURN(h.born_timestamp, OptionalInt64(cmd, "bornTimestamp", 0));
  TERN_ASSIGN_OR_RETURN(h.flag, OptionalInt32(cmd, "flag", 0));
  h.properties = OptionalString(cmd, "properties");
  if (const std::string* v = cmd.Field("reconsumeTimes"); v != nullptr && !v->empty()) {
    TERN_ASSIGN_OR_RETURN(h.reconsume_times, RequiredInt32(cmd, "reconsumeTimes"));
  }
  h.unit_mode = OptionalBool(cmd, "unitMode", false);
  h.born_host = OptionalString(cmd, "bornHost").value_or("");
  h.store_host = OptionalString(cmd, "storeHost").value_or("");
  TERN_ASSIGN_OR_RETURN(h.store_timestamp, OptionalInt64(cmd, "storeTimestamp", 0));
  return h;
}

void ReplyMessageRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "producerGroup", producer_group);
  PutString(out, "topic", topic);
  PutString(out, "defaultTopic", default_topic);
  PutInt(out, "defaultTopicQueueNums", default_topic_queue_nums);
  PutInt(out, "queueId", queue_id);
  PutInt(out, "sysFlag", sys_flag);
  PutInt(out, "bornTimestamp", born_timestamp);
  PutInt(out, "flag", flag);
  if (properties) PutString(out, "properties", *properties);
  if (reconsume_times) PutInt(out, "reconsumeTimes", *reconsume_times);
  PutBool(out, "unitMode", unit_mode);
  PutString(out, "bornHost", born_host);
  PutString(out, "storeHost", store_host);
  PutInt(out, "storeTimestamp", store_timestamp);
}

}  // namespace tern::remoting
