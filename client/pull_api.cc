#include "client/pull_api.h"

#include <fmt/format.h>

#include "client/status_codes.h"
#include "engine/properties.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/pull.h"

namespace tern::client {

namespace code = remoting::response;

std::string_view PullStatusName(PullStatus s) {
  switch (s) {
    case PullStatus::kFound:
      return "FOUND";
    case PullStatus::kNoNewMsg:
      return "NO_NEW_MSG";
    case PullStatus::kNoMatchedMsg:
      return "NO_MATCHED_MSG";
    case PullStatus::kOffsetIllegal:
      return "OFFSET_ILLEGAL";
  }
  return "UNKNOWN";
}

remoting::RemotingCommand BuildPullRequest(const PullRequestSpec& spec) {
  remoting::PullMessageRequestHeader h;
  h.consumer_group = spec.group;
  h.topic = spec.queue.topic;
  h.queue_id = spec.queue.queue_id;
  h.queue_offset = spec.offset;
  h.max_msg_nums = spec.max_msgs;
  h.commit_offset = spec.commit ? spec.commit_offset : 0;
  h.suspend_timeout_millis = spec.suspend_millis;
  int32_t flag = 0;
  if (spec.commit) flag |= remoting::pull_sys_flag::kCommitOffset;
  if (spec.suspend) flag |= remoting::pull_sys_flag::kSuspend;
  if (spec.lite) flag |= remoting::pull_sys_flag::kLitePull;
  if (spec.subscription != nullptr) {
    h.sub_version = spec.subscription->sub_version;
    h.expression_type = spec.subscription->expression_type;
    if (spec.send_subscription) {
      flag |= remoting::pull_sys_flag::kSubscription;
      h.subscription = spec.subscription->sub_string;
    }
  }
  h.sys_flag = flag;
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(remoting::request::kPullMessage, 0);
  h.WriteTo(cmd.MutableFields());
  return cmd;
}

absl::StatusOr<PullResult> ParsePullResponse(
    net::Response response, const protocol::SubscriptionData* subscription,
    const std::function<std::string(const std::string&)>& unwrap) {
  const remoting::RemotingCommand& cmd = response.command;
  PullResult result;
  switch (cmd.code) {
    case code::kSuccess:
      result.status = PullStatus::kFound;
      break;
    case code::kPullNotFound:
      result.status = PullStatus::kNoNewMsg;
      break;
    case code::kPullRetryImmediately:
      result.status = PullStatus::kNoMatchedMsg;
      break;
    case code::kPullOffsetMoved:
      result.status = PullStatus::kOffsetIllegal;
      break;
    default:
      return BrokerError(cmd.code, cmd.remark.value_or(""), "pull");
  }
  absl::StatusOr<remoting::PullMessageResponseHeader> h =
      remoting::PullMessageResponseHeader::Parse(cmd);
  if (!h.ok()) return h.status();
  result.next_begin_offset = h->next_begin_offset;
  result.min_offset = h->min_offset;
  result.max_offset = h->max_offset;
  if (result.status != PullStatus::kFound) return result;
  absl::StatusOr<std::vector<MessageExt>> msgs = DecodeMessages(AsBytes(response.body));
  if (!msgs.ok()) return msgs.status();
  result.msgs.reserve(msgs->size());
  const std::string min = std::to_string(result.min_offset);
  const std::string max = std::to_string(result.max_offset);
  for (MessageExt& m : *msgs) {
    if (subscription != nullptr && !protocol::TagMatches(*subscription, m.tags())) continue;
    m.properties[std::string(engine::property::kMinOffset)] = min;
    m.properties[std::string(engine::property::kMaxOffset)] = max;
    if (unwrap) m.topic = unwrap(m.topic);
    result.msgs.push_back(std::move(m));
  }
  return result;
}

}  // namespace tern::client
