#include "server/remoting/headers/pull.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<PullMessageRequestHeader> PullMessageRequestHeader::Parse(
    const RemotingCommand& cmd) {
  PullMessageRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.consumer_group, RequiredString(cmd, "consumerGroup"));
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, RequiredInt32(cmd, "queueId"));
  TERN_ASSIGN_OR_RETURN(h.queue_offset, RequiredInt64(cmd, "queueOffset"));
  TERN_ASSIGN_OR_RETURN(h.max_msg_nums, RequiredInt32(cmd, "maxMsgNums"));
  TERN_ASSIGN_OR_RETURN(h.sys_flag, RequiredInt32(cmd, "sysFlag"));
  TERN_ASSIGN_OR_RETURN(h.commit_offset, RequiredInt64(cmd, "commitOffset"));
  TERN_ASSIGN_OR_RETURN(h.suspend_timeout_millis, RequiredInt64(cmd, "suspendTimeoutMillis"));
  h.subscription = OptionalString(cmd, "subscription");
  TERN_ASSIGN_OR_RETURN(h.sub_version, RequiredInt64(cmd, "subVersion"));
  h.expression_type = OptionalString(cmd, "expressionType");
  h.broker_name = OptionalString(cmd, "bname");
  return h;
}

void PullMessageRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "consumerGroup", consumer_group);
  PutString(out, "topic", topic);
  PutInt(out, "queueId", queue_id);
  PutInt(out, "queueOffset", queue_offset);
  PutInt(out, "maxMsgNums", max_msg_nums);
  PutInt(out, "sysFlag", sys_flag);
  PutInt(out, "commitOffset", commit_offset);
  PutInt(out, "suspendTimeoutMillis", suspend_timeout_millis);
  if (subscription) PutString(out, "subscription", *subscription);
  PutInt(out, "subVersion", sub_version);
  if (expression_type) PutString(out, "expressionType", *expression_type);
  if (broker_name) PutString(out, "bname", *broker_name);
}

absl::StatusOr<PullMessageResponseHeader> PullMessageResponseHeader::Parse(
    const RemotingCommand& cmd) {
  PullMessageResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.suggest_which_broker_id, RequiredInt64(cmd, "suggestWhichBrokerId"));
  TERN_ASSIGN_OR_RETURN(h.next_begin_offset, RequiredInt64(cmd, "nextBeginOffset"));
  TERN_ASSIGN_OR_RETURN(h.min_offset, RequiredInt64(cmd, "minOffset"));
  TERN_ASSIGN_OR_RETURN(h.max_offset, RequiredInt64(cmd, "maxOffset"));
  return h;
}

void PullMessageResponseHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "suggestWhichBrokerId", suggest_which_broker_id);
  PutInt(out, "nextBeginOffset", next_begin_offset);
  PutInt(out, "minOffset", min_offset);
  PutInt(out, "maxOffset", max_offset);
}

}  // namespace tern::remoting
