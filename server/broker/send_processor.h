// send_processor.h: SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320).
//
// Validates the request the way the Java broker does (protocol.md 2.4: topic name, system
// topics, auto-create from the default topic, queue id, sizes), builds the stored message
// (born host from the connection, store host from brokerIP1:listenPort, the CLUSTER property)
// and appends it. Under SYNC_FLUSH a message that waits (WAIT=true) is answered when the
// group commit covers it, or with FLUSH_DISK_TIMEOUT (10). Back-pressure answers SYSTEM_BUSY
// (2) with a remark saying why; a full disk answers SERVICE_NOT_AVAILABLE (14).
// Transactional half messages and delay levels arrive with the messaging-semantics work;
// until then they are refused with a remark, never stored as plain messages.
//
// Thread safety: handlers run on I/O threads; the processor holds no mutable state.
#pragma once

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

class SendProcessor {
 public:
  explicit SendProcessor(BrokerContext* ctx) : ctx_(ctx) {}
  void Register(remoting::HandlerTable& table);

 private:
  void Handle(const remoting::ChannelPtr& channel, remoting::RemotingCommand request,
              std::string body);

  BrokerContext* const ctx_;
};

// The stored properties: the client's string plus CLUSTER (kept in RocketMQ 4.8's form,
// every pair ending with \x02), without re-ordering the client's pairs.
std::string StoredProperties(std::string_view client_properties, std::string_view cluster);

// The response code a failed append maps to (InvalidArgument -> 13, ResourceExhausted and
// FailedPrecondition -> 14, anything else -> 1).
int32_t SendErrorCode(const absl::Status& status);

}  // namespace tern::broker
