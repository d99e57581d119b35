// pull_api.h: one PULL_MESSAGE exchange as the client sees it (RocketMQ's PullAPIWrapper):
// the request header a consumer sends and the PullResult it gets back.
//
// Responses map to statuses as the Java client does: 0 FOUND, 19 NO_NEW_MSG, 20
// NO_MATCHED_MSG, 21 OFFSET_ILLEGAL; any other code is an error carrying the code
// (status_codes.h). FOUND messages are decoded, filtered again by their real tag (the broker
// filters by tag hash code, which can collide) and stamped with the queue's min/max offsets
// (MIN_OFFSET/MAX_OFFSET properties, as Java). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/message.h"
#include "server/net/connection.h"
#include "server/protocol/subscription.h"
#include "server/remoting/command.h"

namespace tern::client {

enum class PullStatus { kFound, kNoNewMsg, kNoMatchedMsg, kOffsetIllegal };
std::string_view PullStatusName(PullStatus s);

struct PullResult {
  PullStatus status = PullStatus::kNoNewMsg;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  std::vector<MessageExt> msgs;  // after the client-side tag check
};

struct PullRequestSpec {
  std::string group;   // wire name
  MessageQueue queue;  // wire topic
  int64_t offset = 0;
  int32_t max_msgs = 32;
  int64_t commit_offset = 0;
  bool commit = false;   // COMMIT_OFFSET bit
  bool suspend = false;  // SUSPEND bit (long poll)
  int64_t suspend_millis = 15000;
  bool send_subscription = true;  // SUBSCRIPTION bit with the expression
  bool lite = false;              // LITE_PULL bit
  const protocol::SubscriptionData* subscription = nullptr;
};

remoting::RemotingCommand BuildPullRequest(const PullRequestSpec& spec);

// `unwrap` maps a wire topic back to the user's (namespace removal); may be empty.
absl::StatusOr<PullResult> ParsePullResponse(
    net::Response response, const protocol::SubscriptionData* subscription,
    const std::function<std::string(const std::string&)>& unwrap);

}  // namespace tern::client
