#include "client/offset_api.h"

#include <fmt/format.h>

#include "client/status_codes.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/offset.h"

namespace tern::client {

namespace req = remoting::request;
namespace code = remoting::response;

absl::StatusOr<std::string> BrokerAddrOf(ClientInstance& instance, const MessageQueue& queue) {
  if (std::optional<std::string> a = instance.MasterAddr(queue.broker_name)) return *a;
  (void)instance.Route(queue.topic, /*refresh=*/true);
  if (std::optional<std::string> a = instance.MasterAddr(queue.broker_name)) return *a;
  return absl::UnavailableError(
      fmt::format("no address known for broker {} (topic {})", queue.broker_name, queue.topic));
}

namespace {

// Sends `cmd` to the queue's broker and reads the "offset" (or "timestamp") header field.
absl::StatusOr<int64_t> AskOffset(ClientInstance& instance, const MessageQueue& queue,
                                  remoting::RemotingCommand cmd, std::string_view what) {
  absl::StatusOr<std::string> addr = BrokerAddrOf(instance, queue);
  if (!addr.ok()) return addr.status();
  absl::StatusOr<net::Response> r =
      instance.InvokeSync(*addr, std::move(cmd), "", instance.config().request_timeout);
  if (!r.ok()) return r.status();
  if (r->command.code != code::kSuccess) {
    return BrokerError(r->command.code, r->command.remark.value_or(""),
                       fmt::format("{} of {}", what, queue.ToString()));
  }
  absl::StatusOr<remoting::OffsetResponseHeader> h =
      remoting::OffsetResponseHeader::Parse(r->command);
  if (!h.ok()) return h.status();
  return h->offset;
}

remoting::RemotingCommand QueueRequest(int32_t request_code, const MessageQueue& queue) {
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(request_code, 0);
  remoting::QueueRequestHeader h;
  h.topic = queue.topic;
  h.queue_id = queue.queue_id;
  h.WriteTo(cmd.MutableFields());
  return cmd;
}

}  // namespace

absl::StatusOr<int64_t> QueryConsumerOffset(ClientInstance& instance, const std::string& group,
                                            const MessageQueue& queue) {
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kQueryConsumerOffset, 0);
  remoting::QueryConsumerOffsetRequestHeader h;
  h.consumer_group = group;
  h.topic = queue.topic;
  h.queue_id = queue.queue_id;
  h.WriteTo(cmd.MutableFields());
  return AskOffset(instance, queue, std::move(cmd), "consumer offset");
}

absl::Status UpdateConsumerOffset(ClientInstance& instance, const std::string& group,
                                  const MessageQueue& queue, int64_t offset, bool oneway) {
  absl::StatusOr<std::string> addr = BrokerAddrOf(instance, queue);
  if (!addr.ok()) return addr.status();
  remoting::RemotingCommand cmd = remoting::RemotingCommand::Request(req::kUpdateConsumerOffset, 0);
  remoting::UpdateConsumerOffsetRequestHeader h;
  h.consumer_group = group;
  h.topic = queue.topic;
  h.queue_id = queue.queue_id;
  h.commit_offset = offset;
  h.WriteTo(cmd.MutableFields());
  if (oneway) {
    instance.InvokeOneway(*addr, std::move(cmd), "");
    return absl::OkStatus();
  }
  absl::StatusOr<net::Response> r =
      instance.InvokeSync(*addr, std::move(cmd), "", instance.config().request_timeout);
  if (!r.ok()) return r.status();
  if (r->command.code != code::kSuccess) {
    return BrokerError(r->command.code, r->command.remark.value_or(""), "update consumer offset");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> MaxOffset(ClientInstance& instance, const MessageQueue& queue) {
  return AskOffset(instance, queue, QueueRequest(req::kGetMaxOffset, queue), "max offset");
}

absl::StatusOr<int64_t> MinOffset(ClientInstance& instance, const MessageQueue& queue) {
  return AskOffset(instance, queue, QueueRequest(req::kGetMinOffset, queue), "min offset");
}

absl::StatusOr<int64_t> SearchOffset(ClientInstance& instance, const MessageQueue& queue,
                                     int64_t timestamp_ms) {
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(req::kSearchOffsetByTimestamp, 0);
  remoting::SearchOffsetRequestHeader h;
  h.topic = queue.topic;
  h.queue_id = queue.queue_id;
  h.timestamp = timestamp_ms;
  h.WriteTo(cmd.MutableFields());
  return AskOffset(instance, queue, std::move(cmd), "offset by time");
}

}  // namespace tern::client
