#include "server/namesrv/reply.h"

#include <utility>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"

namespace tern::namesrv {

void Reply(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
           int32_t code, std::optional<std::string> remark, std::string body,
           std::optional<remoting::ExtFields> ext_fields) {
  if (request.is_oneway()) return;
  remoting::RemotingCommand response =
      remoting::RemotingCommand::ResponseTo(request, code, std::move(remark));
  response.ext_fields = std::move(ext_fields);
  channel->Send(std::move(response), std::move(body));
}

void ReplySystemError(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                      const absl::Status& status) {
  Reply(channel, request, remoting::response::kSystemError, std::string(MessageOf(status)));
}

}  // namespace tern::namesrv
