// binary_header.h: the ROCKETMQ binary header of serializeType 1 frames (protocol.md 1.4).
//
//   2 code (short) | 1 language | 2 version (short) | 4 opaque | 4 flag
//   4 remarkLength R | R remark | 4 extFieldsLength E | E x { 2 keyLen, key, 4 valLen, val }
//
// Decoding checks every length against the bytes present before reading: a truncated
// header, a negative length, a length running past the header or past the extFields region,
// and bytes left over after the extFields region are InvalidArgument errors. Nothing is
// allocated in proportion to a declared length. As in Java 4.9.8, a zero-length string reads
// as null: R = 0 is no remark, E = 0 is no extFields, and an entry whose key or value is
// empty is dropped (extFields left with no entry read as absent). A language byte outside 0..12
// reads as OTHER. Later duplicates of a key replace earlier ones (Java's map put).
//
// Encoding writes extFields in insertion order and empty values with length 0 (as Java does;
// they read back as absent). It fails when code or version do not fit in a short, a key is
// longer than 32767 bytes (Java reads the key length as a signed short) or a length does not
// fit in an int.
//
// Pure functions, thread-safe. The decoded command owns its strings.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/bytes.h"
#include "server/remoting/command.h"

namespace tern::remoting {

// The smallest valid header: 13 bytes of fixed fields, remark length 0, extFields length 0.
inline constexpr size_t kBinaryHeaderMinSize = 21;

// Decodes a binary header. The result's serialize_type is kRocketMq.
absl::StatusOr<RemotingCommand> DecodeBinaryHeader(ByteSpan header);

// Appends the binary header of `cmd` (cmd.serialize_type is not consulted). On error `out`
// is left unchanged.
absl::Status AppendBinaryHeader(const RemotingCommand& cmd, std::string& out);
absl::StatusOr<std::string> EncodeBinaryHeader(const RemotingCommand& cmd);

}  // namespace tern::remoting
