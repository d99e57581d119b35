#include "client/status_codes.h"

#include <fmt/format.h>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "server/remoting/codes.h"

namespace tern::client {

namespace code = remoting::response;
constexpr char kPayloadKey[] = "tern.rocketmq.code";

absl::Status BrokerError(int32_t c, const std::string& remark, const std::string& what) {
  absl::StatusCode sc = absl::StatusCode::kUnavailable;
  switch (c) {
    case code::kMessageIllegal:
    case code::kSubscriptionParseFailed:
      sc = absl::StatusCode::kInvalidArgument;
      break;
    case code::kNoPermission:
      sc = absl::StatusCode::kPermissionDenied;
      break;
    case code::kTopicNotExist:
    case code::kQueryNotFound:
      sc = absl::StatusCode::kNotFound;
      break;
    case code::kSystemBusy:
      sc = absl::StatusCode::kResourceExhausted;
      break;
    default:
      break;
  }
  absl::Status s(sc, fmt::format("{}: broker answered code {}: {}", what, c, remark));
  s.SetPayload(kPayloadKey, absl::Cord(std::to_string(c)));
  return s;
}

int32_t RocketMqCode(const absl::Status& status) {
  auto p = status.GetPayload(kPayloadKey);
  if (!p) return -1;
  int32_t c = -1;
  return absl::SimpleAtoi(std::string(*p), &c) ? c : -1;
}

bool IsRetryableSendCode(int32_t c) {
  return c == code::kTopicNotExist || c == code::kServiceNotAvailable || c == code::kSystemError ||
         c == code::kNoPermission || c == code::kNoBuyerId || c == code::kNotInCurrentUnit;
}

}  // namespace tern::client
