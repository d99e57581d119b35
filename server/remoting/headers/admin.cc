#include "server/remoting/headers/admin.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<CreateTopicRequestHeader> CreateTopicRequestHeader::Parse(
    const RemotingCommand& cmd) {
  CreateTopicRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  TERN_ASSIGN_OR_RETURN(h.default_topic, RequiredString(cmd, "defaultTopic"));
  TERN_ASSIGN_OR_RETURN(h.read_queue_nums, RequiredInt32(cmd, "readQueueNums"));
  TERN_ASSIGN_OR_RETURN(h.write_queue_nums, RequiredInt32(cmd, "writeQueueNums"));
  TERN_ASSIGN_OR_RETURN(h.perm, RequiredInt32(cmd, "perm"));
  TERN_ASSIGN_OR_RETURN(h.topic_filter_type, RequiredString(cmd, "topicFilterType"));
  if (const std::string* v = cmd.Field("topicSysFlag"); v != nullptr && !v->empty()) {
    TERN_ASSIGN_OR_RETURN(h.topic_sys_flag, RequiredInt32(cmd, "topicSysFlag"));
  }
  h.order = OptionalBool(cmd, "order", false);
  return h;
}

void CreateTopicRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "topic", topic);
  PutString(out, "defaultTopic", default_topic);
  PutInt(out, "readQueueNums", read_queue_nums);
  PutInt(out, "writeQueueNums", write_queue_nums);
  PutInt(out, "perm", perm);
  PutString(out, "topicFilterType", topic_filter_type);
  if (topic_sys_flag) PutInt(out, "topicSysFlag", *topic_sys_flag);
  PutBool(out, "order", order);
}

absl::StatusOr<DeleteTopicRequestHeader> DeleteTopicRequestHeader::Parse(
    const RemotingCommand& cmd) {
  DeleteTopicRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  return h;
}

void DeleteTopicRequestHeader::WriteTo(ExtFields& out) const { PutString(out, "topic", topic); }

absl::StatusOr<GetBrokerConfigResponseHeader> GetBrokerConfigResponseHeader::Parse(
    const RemotingCommand& cmd) {
  GetBrokerConfigResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.version, RequiredString(cmd, "version"));
  return h;
}

void GetBrokerConfigResponseHeader::WriteTo(ExtFields& out) const {
  PutString(out, "version", version);
}

}  // namespace tern::remoting
