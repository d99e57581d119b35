// send_processor.h: SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320).
//
// Validates the request the way the Java broker does (protocol.md 2.4: topic name, system
// topics, auto-create from the default topic, queue id, sizes), builds the stored message
// (born host from the connection, store host from brokerIP1:listenPort, the CLUSTER property)
// and appends it. Under SYNC_FLUSH a message that waits (WAIT=true) is answered when the
// group commit covers it, or with FLUSH_DISK_TIMEOUT (10). Back-pressure answers SYSTEM_BUSY
// (2) with a remark saying why; a full disk answers SERVICE_NOT_AVAILABLE (14).
// Before storing, a message may be re-routed (Route): a send to %RETRY%<group> that used up
// its reconsume times goes to %DLQ%<group> (Java's handleRetryAndDLQ; the counts come from
// the header, or from the RECONSUME_TIME / MAX_RECONSUME_TIMES properties clients like
// ali-ons send instead); a transactional half message (TRAN_MSG=true) goes to
// RMQ_SYS_TRANS_HALF_TOPIC queue 0; a delay level to SCHEDULE_TOPIC_XXXX; a timer delivery
// time to rmq_sys_wheel_timer (delay_route.h). The response still names the requested queue,
// with the queue offset where the message physically went (protocol.md 2.4).
//
// Thread safety: handlers run on I/O threads; the processor holds no mutable state.
#pragma once

#include <optional>
#include <string>

#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"
#include "server/remoting/headers/send.h"

namespace tern::broker {

class SendProcessor {
 public:
  explicit SendProcessor(BrokerContext* ctx) : ctx_(ctx) {}
  void Register(remoting::HandlerTable& table);

 private:
  void Handle(const remoting::ChannelPtr& channel, remoting::RemotingCommand request,
              std::string body);

  // Where a message is stored. Errors carry the remark: NotFound -> 26, PermissionDenied ->
  // 16, InvalidArgument -> 13, anything else -> 1.
  struct Routed {
    std::string topic;
    int32_t queue_id = 0;
    int32_t sys_flag = 0;
    int32_t reconsume_times = 0;
    std::optional<std::string> properties;  // the stored properties, when they changed
  };
  absl::StatusOr<Routed> Route(const remoting::RemotingCommand& request,
                               const remoting::SendMessageRequestHeader& header, int32_t queue_id,
                               std::string_view client_props, bool batch) const;

  BrokerContext* const ctx_;
};

// The stored properties: the client's string plus CLUSTER (kept in RocketMQ 4.8's form,
// every pair ending with \x02), without re-ordering the client's pairs.
std::string StoredProperties(std::string_view client_properties, std::string_view cluster);

// The response code a failed append maps to (InvalidArgument -> 13, ResourceExhausted and
// FailedPrecondition -> 14, anything else -> 1).
int32_t SendErrorCode(const absl::Status& status);

}  // namespace tern::broker
