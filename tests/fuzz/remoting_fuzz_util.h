// remoting_fuzz_util.h: shared oracles of the remoting fuzz targets. A decoded command must
// survive re-encoding: the same codec gives back the same command, the other codec the same
// command up to what the binary codec cannot carry (empty strings read back as null).
// Violations abort through TERN_CHECK so libFuzzer records the input.
#pragma once

#include <optional>
#include <string>

#include "engine/base/bytes.h"
#include "engine/base/check.h"
#include "server/remoting/command.h"
#include "server/remoting/command_codec.h"

namespace tern::remoting::fuzz {

inline bool SameCommand(const RemotingCommand& a, const RemotingCommand& b) {
  return a.code == b.code && a.language == b.language && a.version == b.version &&
         a.opaque == b.opaque && a.flag == b.flag && a.remark == b.remark &&
         a.ext_fields == b.ext_fields && a.serialize_type == b.serialize_type;
}

// `cmd` as the binary codec reads it back: an empty remark is null, entries with an empty key
// or value are dropped, and extFields left with no entry are absent.
inline RemotingCommand BinaryView(RemotingCommand cmd) {
  cmd.serialize_type = SerializeType::kRocketMq;
  if (cmd.remark && cmd.remark->empty()) cmd.remark.reset();
  if (cmd.ext_fields) {
    ExtFields kept;
    for (const ExtFields::Entry& e : cmd.ext_fields->entries()) {
      if (!e.first.empty() && !e.second.empty()) kept.Set(e.first, e.second);
    }
    cmd.ext_fields.reset();
    if (!kept.empty()) cmd.ext_fields.emplace(std::move(kept));
  }
  return cmd;
}

// Re-encodes `cmd` in both codecs and checks what decodes back: JSON exactly, binary up to
// BinaryView. Encoding may refuse (a code beyond a short); decoding what was encoded must not
// fail.
inline void CheckRoundTrip(const RemotingCommand& cmd) {
  RemotingCommand json = cmd;
  json.serialize_type = SerializeType::kJson;
  absl::StatusOr<std::string> text = EncodeHeader(json);
  TERN_CHECK(text.ok());
  absl::StatusOr<RemotingCommand> from_json = DecodeHeader(SerializeType::kJson, AsBytes(*text));
  TERN_CHECK_MSG(from_json.ok(), "an encoded JSON header failed to decode");
  TERN_CHECK_MSG(SameCommand(json, *from_json), "JSON round trip changed the command");

  RemotingCommand binary = cmd;
  binary.serialize_type = SerializeType::kRocketMq;
  absl::StatusOr<std::string> bytes = EncodeHeader(binary);
  if (!bytes.ok()) return;
  absl::StatusOr<RemotingCommand> from_binary =
      DecodeHeader(SerializeType::kRocketMq, AsBytes(*bytes));
  TERN_CHECK_MSG(from_binary.ok(), "an encoded binary header failed to decode");
  TERN_CHECK_MSG(SameCommand(BinaryView(binary), *from_binary),
                 "binary round trip changed the command");
}

}  // namespace tern::remoting::fuzz
