#include "server/remoting/headers/offset.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<QueryConsumerOffsetRequestHeader> QueryConsumerOffsetRequestHeader::Parse(
    const RemotingCommand& cmd) {
  QueryConsumerOffsetRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.consumer_group, RequiredString(cmd, "consumerGroup"));
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, RequiredInt32(cmd, "queueId"));
  return h;
}

void QueryConsumerOffsetRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "consumerGroup", consumer_group);
  PutString(out, "topic", topic);
  PutInt(out, "queueId", queue_id);
}

absl::StatusOr<QueryConsumerOffsetResponseHeader> QueryConsumerOffsetResponseHeader::Parse(
    const RemotingCommand& cmd) {
  QueryConsumerOffsetResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.offset, RequiredInt64(cmd, "offset"));
  return h;
}

void QueryConsumerOffsetResponseHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "offset", offset);
}

absl::StatusOr<UpdateConsumerOffsetRequestHeader> UpdateConsumerOffsetRequestHeader::Parse(
    const RemotingCommand& cmd) {
  UpdateConsumerOffsetRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.consumer_group, RequiredString(cmd, "consumerGroup"));
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, RequiredInt32(cmd, "queueId"));
  TERN_ASSIGN_OR_RETURN(h.commit_offset, RequiredInt64(cmd, "commitOffset"));
  return h;
}

void UpdateConsumerOffsetRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "consumerGroup", consumer_group);
  PutString(out, "topic", topic);
  PutInt(out, "queueId", queue_id);
  PutInt(out, "commitOffset", commit_offset);
}

absl::StatusOr<UpdateConsumerOffsetResponseHeader> UpdateConsumerOffsetResponseHeader::Parse(
    const RemotingCommand&) {
  return UpdateConsumerOffsetResponseHeader{};
}

void UpdateConsumerOffsetResponseHeader::WriteTo(ExtFields&) const {}

absl::StatusOr<QueueRequestHeader> QueueRequestHeader::Parse(const RemotingCommand& cmd) {
  QueueRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, RequiredInt32(cmd, "queueId"));
  return h;
}

void QueueRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "topic", topic);
  PutInt(out, "queueId", queue_id);
}

absl::StatusOr<OffsetResponseHeader> OffsetResponseHeader::Parse(const RemotingCommand& cmd) {
  OffsetResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.offset, RequiredInt64(cmd, "offset"));
  return h;
}

void OffsetResponseHeader::WriteTo(ExtFields& out) const { PutInt(out, "offset", offset); }

absl::StatusOr<SearchOffsetRequestHeader> SearchOffsetRequestHeader::Parse(
    const RemotingCommand& cmd) {
  SearchOffsetRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, RequiredInt32(cmd, "queueId"));
  TERN_ASSIGN_OR_RETURN(h.timestamp, RequiredInt64(cmd, "timestamp"));
  return h;
}

void SearchOffsetRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "topic", topic);
  PutInt(out, "queueId", queue_id);
  PutInt(out, "timestamp", timestamp);
}

absl::StatusOr<GetEarliestMsgStoretimeResponseHeader> GetEarliestMsgStoretimeResponseHeader::Parse(
    const RemotingCommand& cmd) {
  GetEarliestMsgStoretimeResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.timestamp, RequiredInt64(cmd, "timestamp"));
  return h;
}

void GetEarliestMsgStoretimeResponseHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "timestamp", timestamp);
}

}  // namespace tern::remoting
