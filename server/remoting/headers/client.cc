#include "server/remoting/headers/client.h"

#include "engine/base/status.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {

absl::StatusOr<ConsumerGroupRequestHeader> ConsumerGroupRequestHeader::Parse(
    const RemotingCommand& cmd) {
  ConsumerGroupRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.consumer_group, RequiredString(cmd, "consumerGroup"));
  return h;
}

void ConsumerGroupRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "consumerGroup", consumer_group);
}

absl::StatusOr<UnregisterClientRequestHeader> UnregisterClientRequestHeader::Parse(
    const RemotingCommand& cmd) {
  UnregisterClientRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.client_id, RequiredString(cmd, "clientID"));
  h.producer_group = OptionalString(cmd, "producerGroup");
  h.consumer_group = OptionalString(cmd, "consumerGroup");
  return h;
}

void UnregisterClientRequestHeader::WriteTo(ExtFields& out) const {
  PutString(out, "clientID", client_id);
  if (producer_group) PutString(out, "producerGroup", *producer_group);
  if (consumer_group) PutString(out, "consumerGroup", *consumer_group);
}

}  // namespace tern::remoting
