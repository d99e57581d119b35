// AdminClient: message reads — view by offset id, query by key or unique key, pull.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "client/admin/admin_client.h"
#include "client/offset_api.h"
#include "client/status_codes.h"
#include "engine/base/status.h"
#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "server/protocol/subscription.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/query.h"

namespace tern::client::admin {

namespace req = remoting::request;
namespace code = remoting::response;
using remoting::RemotingCommand;

absl::StatusOr<MessageExt> AdminClient::ViewMessage(const std::string& offset_msg_id) {
  absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(offset_msg_id);
  if (!id.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is not an offset message id: {}", offset_msg_id, MessageOf(id.status())));
  }
  RemotingCommand cmd = RemotingCommand::Request(req::kViewMessageById, 0);
  remoting::ViewMessageRequestHeader h;
  h.offset = static_cast<int64_t>(id->offset.value());
  h.WriteTo(cmd.MutableFields());
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Call(Peer::kBroker, id->store_host.ToString(), std::move(cmd), "",
                             fmt::format("VIEW_MESSAGE_BY_ID (33) of {}", offset_msg_id)));
  TERN_ASSIGN_OR_RETURN(std::vector<MessageExt> msgs, DecodeMessages(AsBytes(r.body)));
  if (msgs.empty()) {
    return absl::NotFoundError(fmt::format("message {} not found", offset_msg_id));
  }
  return std::move(msgs.front());
}

namespace {

bool HasKey(const MessageExt& m, const std::string& key) {
  std::string_view keys = m.keys();
  while (!keys.empty()) {
    const size_t sp = keys.find(' ');
    if (keys.substr(0, sp) == key) return true;
    if (sp == std::string_view::npos) break;
    keys.remove_prefix(sp + 1);
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<MessageExt>> AdminClient::QueryMessage(const std::string& topic,
                                                                  const std::string& key,
                                                                  int32_t max_num, int64_t begin_ms,
                                                                  int64_t end_ms, bool unique) {
  TERN_ASSIGN_OR_RETURN(auto brokers, RouteBrokers(topic));
  std::vector<MessageExt> found;
  absl::Status last_error;
  for (const auto& [name, addr] : brokers) {
    RemotingCommand cmd = RemotingCommand::Request(req::kQueryMessage, 0);
    remoting::QueryMessageRequestHeader h;
    h.topic = topic;
    h.key = key;
    h.max_num = max_num;
    h.begin_timestamp = begin_ms;
    h.end_timestamp = end_ms;
    h.unique_key_query = unique;
    h.WriteTo(cmd.MutableFields());
    absl::StatusOr<net::Response> r =
        Send(Peer::kBroker, addr, std::move(cmd), "", fmt::format("QUERY_MESSAGE (12) of {}", key));
    if (!r.ok()) {
      last_error = r.status();
      continue;
    }
    if (r->command.code == code::kQueryNotFound) continue;
    if (r->command.code != code::kSuccess) {
      last_error = BrokerError(r->command.code, r->command.remark.value_or(""),
                               fmt::format("QUERY_MESSAGE (12) of {} to broker {}", key, addr));
      continue;
    }
    TERN_ASSIGN_OR_RETURN(std::vector<MessageExt> msgs, DecodeMessages(AsBytes(r->body)));
    for (MessageExt& m : msgs) {
      const bool match = unique ? m.Property("UNIQ_KEY") == key : HasKey(m, key);
      if (match && m.topic == topic) found.push_back(std::move(m));
    }
  }
  if (found.empty()) {
    if (!last_error.ok()) return last_error;
    return absl::NotFoundError(fmt::format("no message with {} '{}' in topic {}",
                                           unique ? "unique key" : "key", key, topic));
  }
  std::stable_sort(found.begin(), found.end(), [](const MessageExt& a, const MessageExt& b) {
    return a.store_timestamp < b.store_timestamp;
  });
  return found;
}

absl::StatusOr<ConsumeMessageDirectlyResult> AdminClient::ConsumeMessageDirectlyById(
    const std::string& group, const std::string& client_id, const std::string& offset_msg_id) {
  absl::StatusOr<engine::DecodedMessageId> id = engine::ParseOffsetMessageId(offset_msg_id);
  if (!id.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is not an offset message id: {}", offset_msg_id, MessageOf(id.status())));
  }
  return ConsumeMessageDirectly(id->store_host.ToString(), group, client_id, offset_msg_id);
}

absl::StatusOr<MessageExt> AdminClient::ViewMessageByUniqueKey(const std::string& topic,
                                                               const std::string& id) {
  absl::StatusOr<std::vector<MessageExt>> by_key =
      QueryMessage(topic, id, 32, 0, std::numeric_limits<int64_t>::max(), /*unique=*/true);
  if (by_key.ok()) return std::move(by_key->front());
  if (engine::ParseOffsetMessageId(id).ok()) {
    absl::StatusOr<MessageExt> by_offset = ViewMessage(id);
    if (by_offset.ok()) return by_offset;
  }
  return by_key.status();
}

absl::StatusOr<PullResult> AdminClient::Pull(const MessageQueue& queue,
                                             const std::string& expression, int64_t offset,
                                             int32_t max_nums, const std::string& group) {
  TERN_ASSIGN_OR_RETURN(std::string addr, BrokerAddrOf(*instance_, queue));
  TERN_ASSIGN_OR_RETURN(protocol::SubscriptionData sub,
                        protocol::BuildSubscription(queue.topic, expression, "TAG", 0));
  PullRequestSpec spec;
  spec.group = group;
  spec.queue = queue;
  spec.offset = offset;
  spec.max_msgs = max_nums;
  spec.suspend = false;
  spec.subscription = &sub;
  TERN_ASSIGN_OR_RETURN(net::Response r,
                        Send(Peer::kBroker, addr, BuildPullRequest(spec), "",
                             fmt::format("PULL_MESSAGE (11) of {}", queue.ToString())));
  absl::StatusOr<PullResult> result = ParsePullResponse(std::move(r), &sub, nullptr);
  if (!result.ok()) {
    return absl::Status(result.status().code(), fmt::format("PULL_MESSAGE (11) to broker {}: {}",
                                                            addr, MessageOf(result.status())));
  }
  return result;
}

}  // namespace tern::client::admin
