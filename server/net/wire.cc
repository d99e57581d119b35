#include "server/net/wire.h"

#include "engine/base/check.h"
#include "server/remoting/command_codec.h"
#include "server/remoting/frame.h"

namespace tern::net::wire {

DecodeResult DecodeOne(ByteSpan bytes, size_t max_frame_bytes) {
  DecodeResult out;
  remoting::FrameLimits limits;
  limits.max_frame_length = static_cast<uint32_t>(std::min<size_t>(max_frame_bytes, UINT32_MAX));
  absl::StatusOr<remoting::SplitResult> split = remoting::SplitFrame(bytes, limits);
  if (!split.ok()) {
    out.kind = Decoded::kError;
    out.error = split.status();
    return out;
  }
  if (!split->complete()) {
    out.kind = Decoded::kNeedMore;
    return out;
  }
  absl::StatusOr<remoting::RemotingCommand> cmd = remoting::DecodeCommand(split->frame);
  if (!cmd.ok()) {
    out.kind = Decoded::kError;
    out.error = cmd.status();
    return out;
  }
  out.kind = Decoded::kFrame;
  out.consumed = split->frame.size;
  out.command = *std::move(cmd);
  out.body = split->frame.body;
  return out;
}

std::string EncodeHead(const remoting::RemotingCommand& cmd, size_t body_size) {
  absl::StatusOr<std::string> head = remoting::EncodeCommand(cmd, body_size);
  // Encoding fails only for a header over 16 MiB, which no command the server builds has.
  TERN_CHECK_MSG(head.ok(), "remoting header could not be encoded");
  return *std::move(head);
}

}  // namespace tern::net::wire
