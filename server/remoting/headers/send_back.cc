#include "server/remoting/headers/send_back.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<ConsumerSendMsgBackRequestHeader> ConsumerSendMsgBackRequestHeader::Parse(
    const RemotingCommand& cmd) {
  ConsumerSendMsgBackRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.offset, RequiredInt64(cmd, "offset"));
  TERN_ASSIGN_OR_RETURN(h.group, RequiredString(cmd, "group"));
  TERN_ASSIGN_OR_RETURN(h.delay_level, RequiredInt32(cmd, "delayLevel"));
  h.origin_msg_id = OptionalString(cmd, "originMsgId");
  h.origin_topic = OptionalString(cmd, "originTopic");
  h.unit_mode = OptionalBool(cmd, "unitMode", false);
  if (cmd.Field("maxReconsumeTimes") != nullptr) {
    TERN_ASSIGN_OR_RETURN(h.max_reconsume_times, RequiredInt32(cmd, "maxReconsumeTimes"));
  }
  return h;
}

void ConsumerSendMsgBackRequestHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "offset", offset);
  PutString(out, "group", group);
  PutInt(out, "delayLevel", delay_level);
  if (origin_msg_id) PutString(out, "originMsgId", *origin_msg_id);
  if (origin_topic) PutString(out, "originTopic", *origin_topic);
  PutBool(out, "unitMode", unit_mode);
  if (max_reconsume_times) PutInt(out, "maxReconsumeTimes", *max_reconsume_times);
}

}  // namespace tern::remoting
