// Fuzzes what a client decodes from PUSH_REPLY_MESSAGE_TO_CLIENT (326): the input is a JSON
// command header, a NUL byte, then the body. Any input decodes or fails with a Status; a
// header that parses survives WriteTo + Parse unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/request_reply.h"
#include "engine/base/check.h"
#include "server/remoting/codes.h"
#include "server/remoting/command_codec.h"
#include "server/remoting/headers/reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern;  // NOLINT(google-build-using-namespace)
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nul = in.find('\0');
  const std::string_view head = in.substr(0, nul);
  const std::string body(nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1));
  absl::StatusOr<remoting::RemotingCommand> cmd =
      remoting::DecodeHeader(remoting::SerializeType::kJson, AsBytes(head));
  if (!cmd.ok()) return 0;
  (void)client::DecodePushedReply(*cmd, body);
  absl::StatusOr<remoting::ReplyMessageRequestHeader> h =
      remoting::ReplyMessageRequestHeader::Parse(*cmd);
  if (h.ok()) {
    remoting::RemotingCommand again =
        remoting::RemotingCommand::Request(remoting::request::kPushReplyMessageToClient, 0);
    h->WriteTo(again.MutableFields());
    absl::StatusOr<remoting::ReplyMessageRequestHeader> back =
        remoting::ReplyMessageRequestHeader::Parse(again);
    TERN_CHECK_MSG(back.ok() && *back == *h, "ReplyMessageRequestHeader round trip changed it");
  }
  return 0;
}
