#include "server/broker/query_processor.h"

#include <fmt/format.h>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/query.h"

namespace tern::broker {

namespace code = remoting::response;
using remoting::ChannelPtr;
using remoting::RemotingCommand;

void QueryProcessor::Register(remoting::HandlerTable& table) {
  table.Register(remoting::request::kViewMessageById,
                 [this](const ChannelPtr& c, RemotingCommand r, std::string) { ViewById(c, r); });
  table.Register(remoting::request::kQueryMessage, [this](const ChannelPtr& c, RemotingCommand r,
                                                          std::string) { QueryMessage(c, r); });
}

void QueryProcessor::ViewById(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<remoting::ViewMessageRequestHeader> h =
      remoting::ViewMessageRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  std::optional<engine::FoundMessage> m =
      ctx_->store->reader().LookupMessage(PhysicalOffset(h->offset));
  if (!m) {
    return Reply(channel, request, code::kSystemError,
                 fmt::format("can not find message by the offset, {}", h->offset));
  }
  auto keep = std::make_shared<engine::FoundMessage>(*std::move(m));
  remoting::ViewBody body;
  body.parts.push_back(keep->slice.bytes);
  body.keep_alive = keep;
  channel->SendViews(RemotingCommand::ResponseTo(request, code::kSuccess), std::move(body));
}

void QueryProcessor::QueryMessage(const ChannelPtr& channel, const RemotingCommand& request) {
  absl::StatusOr<remoting::QueryMessageRequestHeader> h =
      remoting::QueryMessageRequestHeader::Parse(request);
  if (!h.ok())
    return Reply(channel, request, code::kSystemError, std::string(MessageOf(h.status())));
  // RocketMQ: a unique-key query asks for defaultQueryMaxNum (32); any query at most 64.
  const int max_num = std::min(64, h->unique_key_query ? 32 : std::max(0, h->max_num));
  auto result = std::make_shared<engine::QueryMessagesResult>(ctx_->store->reader().QueryMessages(
      h->topic, h->key, max_num, h->begin_timestamp, h->end_timestamp));
  RemotingCommand r = RemotingCommand::ResponseTo(request, code::kSuccess);
  remoting::QueryMessageResponseHeader rh;
  rh.index_last_update_timestamp = result->index_last_update_timestamp;
  rh.index_last_update_phyoffset = result->index_last_update_phy_offset;
  rh.WriteTo(r.MutableFields());
  if (result->messages.empty()) {
    r.code = code::kQueryNotFound;
    r.remark = "can not find message, maybe time range not correct";
    return channel->Send(std::move(r), {});
  }
  remoting::ViewBody body;
  for (const engine::FoundMessage& m : result->messages) body.parts.push_back(m.slice.bytes);
  body.keep_alive = result;
  channel->SendViews(std::move(r), std::move(body));
}

}  // namespace tern::broker
