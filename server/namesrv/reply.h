// reply.h: how the name server's handlers answer (protocol.md 1.7).
//
// Reply sends a response to `request` through `channel` unless the request is oneway
// (flag & 2: processed, never answered). Responses copy the opaque and serialize type and
// carry the server's version (RemotingCommand::ResponseTo). `ext_fields` is the response's
// custom header: present (possibly empty, "extFields":{}) for the commands whose Java response
// has a header class (REGISTER_BROKER, GET_KV_CONFIG, QUERY_DATA_VERSION, WIPE/ADD write
// perm), absent otherwise, as the 4.8.0 name server does.
//
// Stateless; thread-safe as the Channel is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "server/remoting/channel.h"
#include "server/remoting/command.h"

namespace tern::namesrv {

void Reply(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
           int32_t code, std::optional<std::string> remark = std::nullopt, std::string body = {},
           std::optional<remoting::ExtFields> ext_fields = std::nullopt);

// SYSTEM_ERROR (1) with the status message as remark: a missing or malformed header field
// ("missing required header field 'topic'"), an undecodable body.
void ReplySystemError(const remoting::ChannelPtr& channel, const remoting::RemotingCommand& request,
                      const absl::Status& status);

}  // namespace tern::namesrv
