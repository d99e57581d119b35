#include "server/remoting/command_codec.h"

#include "engine/base/status.h"
#include "server/remoting/binary_header.h"
#include "server/remoting/json_header.h"

namespace tern::remoting {

absl::StatusOr<RemotingCommand> DecodeHeader(SerializeType type, ByteSpan header) {
  switch (type) {
    case SerializeType::kJson:
      return DecodeJsonHeader(AsChars(header));
    case SerializeType::kRocketMq:
      return DecodeBinaryHeader(header);
  }
  return absl::InvalidArgumentError("unknown serialize type");
}

absl::StatusOr<RemotingCommand> DecodeCommand(const FrameView& frame) {
  return DecodeHeader(frame.serialize_type, frame.header);
}

absl::Status AppendHeader(const RemotingCommand& cmd, std::string& out) {
  switch (cmd.serialize_type) {
    case SerializeType::kJson:
      AppendJsonHeader(cmd, out);
      return absl::OkStatus();
    case SerializeType::kRocketMq:
      return AppendBinaryHeader(cmd, out);
  }
  return absl::InvalidArgumentError("unknown serialize type");
}

absl::StatusOr<std::string> EncodeHeader(const RemotingCommand& cmd) {
  std::string out;
  TERN_RETURN_IF_ERROR(AppendHeader(cmd, out));
  return out;
}

absl::Status AppendCommand(const RemotingCommand& cmd, size_t body_size, std::string& out) {
  const size_t start = out.size();
  out.append(kFramePrefixSize, '\0');  // patched once the header's size is known
  absl::Status status = AppendHeader(cmd, out);
  std::string prefix;
  if (status.ok()) {
    status = AppendFramePrefix(cmd.serialize_type, out.size() - start - kFramePrefixSize, body_size,
                               prefix);
  }
  if (!status.ok()) {
    out.resize(start);
    return status;
  }
  out.replace(start, kFramePrefixSize, prefix);
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeCommand(const RemotingCommand& cmd, size_t body_size) {
  std::string out;
  TERN_RETURN_IF_ERROR(AppendCommand(cmd, body_size, out));
  return out;
}

absl::StatusOr<std::string> EncodeCommandWithBody(const RemotingCommand& cmd,
                                                  std::string_view body) {
  std::string out;
  TERN_RETURN_IF_ERROR(AppendCommand(cmd, body.size(), out));
  out.append(body);
  return out;
}

}  // namespace tern::remoting
