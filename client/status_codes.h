// status_codes.h: how the client reports a RocketMQ response code inside an absl::Status.
//
// A broker refusal becomes a Status whose message carries the remark and whose payload
// "tern.rocketmq.code" carries the response code (RocketMqCode() reads it back). Network
// failures have no code (RocketMqCode() returns -1). Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace tern::client {

absl::Status BrokerError(int32_t code, const std::string& remark, const std::string& what);
int32_t RocketMqCode(const absl::Status& status);
// The codes on which the Java producer retries a send on another broker.
bool IsRetryableSendCode(int32_t code);

}  // namespace tern::client
