#include "server/broker/broker_context.h"

#include <fmt/format.h>

#include "server/remoting/codes.h"

namespace tern::broker {

bool CheckAdminAllowed(const BrokerContext& ctx, const remoting::ChannelPtr& channel,
                       const remoting::RemotingCommand& request) {
  if (ctx.config->admin_allow_remote || channel->is_loopback()) return true;
  if (!request.is_oneway()) {
    Reply(channel, request, remoting::response::kNoPermission,
          fmt::format("request code {} changes broker state and is only accepted from loopback "
                      "(peer {}); set adminAllowRemote=true to allow remote administration",
                      request.code, channel->remote_address()));
  }
  return false;
}

void Reply(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
           int32_t code, std::string remark) {
  if (request.is_oneway()) return;
  channel->Send(remoting::RemotingCommand::ResponseTo(
                    request, code,
                    remark.empty() ? std::nullopt : std::optional<std::string>(std::move(remark))),
                {});
}

}  // namespace tern::broker
