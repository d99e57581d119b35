// command_codec.h: RemotingCommand <-> frame bytes, dispatching on the serialize type.
//
// Decoding: DecodeCommand(frame) decodes the frame's header with the codec its header word
// names (JSON or ROCKETMQ binary) and sets serialize_type accordingly; the body stays the
// frame's byte span (never copied here).
// Encoding: the codec is chosen by cmd.serialize_type, so a response built with
// RemotingCommand::ResponseTo answers in its request's type (what 4.9.8 does on the normal
// path; 4.8.0 answered binary requests in JSON, protocol.md 1.2). Broker-originated requests
// are JSON (RemotingCommand::Request). The body is written by the caller after the encoded
// prefix + header (EncodeCommand with body_size), or appended from an owned buffer
// (EncodeCommandWithBody).
//
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/bytes.h"
#include "server/remoting/command.h"
#include "server/remoting/frame.h"

namespace tern::remoting {

// Decodes a header of the given type. Errors are InvalidArgument (close the connection).
absl::StatusOr<RemotingCommand> DecodeHeader(SerializeType type, ByteSpan header);
// Decodes the header of `frame`; the body is frame.body.
absl::StatusOr<RemotingCommand> DecodeCommand(const FrameView& frame);

// Appends the header of `cmd` in cmd.serialize_type. On error `out` is unchanged.
absl::Status AppendHeader(const RemotingCommand& cmd, std::string& out);
absl::StatusOr<std::string> EncodeHeader(const RemotingCommand& cmd);

// Appends the frame prefix and header of `cmd` for a body of `body_size` bytes that the
// caller writes after it. On error `out` is unchanged.
absl::Status AppendCommand(const RemotingCommand& cmd, size_t body_size, std::string& out);
absl::StatusOr<std::string> EncodeCommand(const RemotingCommand& cmd, size_t body_size = 0);
// The whole frame: prefix, header and `body`.
absl::StatusOr<std::string> EncodeCommandWithBody(const RemotingCommand& cmd,
                                                  std::string_view body);

}  // namespace tern::remoting
