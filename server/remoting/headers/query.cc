#include "server/remoting/headers/query.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<ViewMessageRequestHeader> ViewMessageRequestHeader::Parse(
    const RemotingCommand& cmd) {
  ViewMessageRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.offset, RequiredInt64(cmd, "offset"));
  return h;
}

void ViewMessageRequestHeader::WriteTo(ExtFields& out) const { PutInt(out, "offset", offset); }

absl::StatusOr<QueryMessageRequestHeader> QueryMessageRequestHeader::Parse(
    const RemotingCommand& cmd) {
  QueryMessageRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.topic, RequiredString(cmd, "topic"));
  TERN_ASSIGN_OR_RETURN(h.key, RequiredString(cmd, "key"));
  TERN_ASSIGN_OR_RETURN(h.max_num, RequiredInt32(cmd, "maxNum"));
  TERN_ASSIGN_OR_RETURN(h.begin_timestamp, RequiredInt64(cmd, "beginTimestamp"));
  TERN_ASSIGN_OR_RETURN(h.end_timestamp, RequiredInt64(cmd, "endTimestamp"));
  h.unique_key_query = OptionalBool(cmd, kUniqueKeyQueryField, false);
  return h;
}

void QueryMessageRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "topic", topic);
  PutString(out, "key", key);
  PutInt(out, "maxNum", max_num);
  PutInt(out, "beginTimestamp", begin_timestamp);
  PutInt(out, "endTimestamp", end_timestamp);
  PutBool(out, kUniqueKeyQueryField, unique_key_query);
}

absl::StatusOr<QueryMessageResponseHeader> QueryMessageResponseHeader::Parse(
    const RemotingCommand& cmd) {
  QueryMessageResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.index_last_update_timestamp,
                        RequiredInt64(cmd, "indexLastUpdateTimestamp"));
  TERN_ASSIGN_OR_RETURN(h.index_last_update_phyoffset,
                        RequiredInt64(cmd, "indexLastUpdatePhyoffset"));
  return h;
}

void QueryMessageResponseHeader::WriteTo(ExtFields& out) const {
  PutInt(out, "indexLastUpdateTimestamp", index_last_update_timestamp);
  PutInt(out, "indexLastUpdatePhyoffset", index_last_update_phyoffset);
}

}  // namespace tern::remoting
