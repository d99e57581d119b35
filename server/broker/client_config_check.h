// client_config_check.h: CHECK_CLIENT_CONFIG (46) — a consumer asks, before it starts,
// whether this broker can filter its subscription (Java sends it for SQL92 subscriptions).
//
// Body: {"clientId":"...","group":"g","subscriptionData":{SubscriptionData}}. Answers
// (protocol.md 2.5, Java's ClientManageProcessor.checkClientConfig): 0 for a TAG subscription
// or none; 1 (SYSTEM_ERROR) "The broker does not support consumer to filter message by
// SQL92" when enablePropertyFilter is off; 23 (SUBSCRIPTION_PARSE_FAILED) with the parse
// error for an expression that does not compile or an unknown expression type; 0 otherwise.
// A body that is not JSON gets 1 with the reason.
//
// Thread safety: the handler runs on I/O threads and only reads shared, thread-safe state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/broker/broker_context.h"
#include "server/remoting/handler.h"

namespace tern::broker {

struct CheckClientRequest {
  std::string client_id;
  std::string group;
  // subscriptionData, if present: its expressionType ("" when absent) and subString.
  struct Subscription {
    std::string topic;
    std::string expression_type;
    std::string sub_string;
  };
  std::optional<Subscription> subscription;
};

// Decodes the (fastjson) body leniently: unknown fields ignored, absent ones empty.
absl::StatusOr<CheckClientRequest> DecodeCheckClientRequest(std::string_view body);

// Registers the handler for code 46. `ctx` must outlive `table`'s use.
void RegisterClientConfigCheck(BrokerContext* ctx, remoting::HandlerTable& table);

}  // namespace tern::broker
