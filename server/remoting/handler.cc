#include "server/remoting/handler.h"

#include <fmt/format.h>

#include "server/remoting/codes.h"

namespace tern::remoting {

void HandlerTable::Dispatch(const ChannelPtr& channel, RemotingCommand request,
                            std::string body) const {
  auto it = handlers_.find(request.code);
  if (it != handlers_.end()) {
    it->second(channel, std::move(request), std::move(body));
    return;
  }
  if (request.is_oneway()) return;
  channel->Send(RemotingCommand::ResponseTo(
                    request, response::kRequestCodeNotSupported,
                    fmt::format(" request type {} not supported", request.code)),
                {});
}

}  // namespace tern::remoting
