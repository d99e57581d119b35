// wire.h: the three codec entry points the network layer needs, over server/remoting's frame
// and header codecs. Pure functions.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "engine/base/bytes.h"
#include "server/remoting/command.h"

namespace tern::net::wire {

enum class Decoded { kFrame, kNeedMore, kError };

struct DecodeResult {
  Decoded kind = Decoded::kNeedMore;
  size_t consumed = 0;                // whole frame, length prefix included
  remoting::RemotingCommand command;  // when kFrame
  ByteSpan body;                      // when kFrame; points into the input
  absl::Status error;                 // when kError
};

// Decodes the first frame in `bytes`: a command and its body, "need more bytes", or an error
// (oversized or malformed frame, unparsable header). Limits are checked before allocating.
DecodeResult DecodeOne(ByteSpan bytes, size_t max_frame_bytes);

// Length prefix + header word + encoded header of `cmd`, for a body of `body_size` bytes that
// the caller writes right after.
std::string EncodeHead(const remoting::RemotingCommand& cmd, size_t body_size);

}  // namespace tern::net::wire
