// header_fields.h: typed reads of a request's extFields with RocketMQ's coercion rules
// (protocol.md 1.6): values arrive as strings (the JSON decoder has already turned numbers and
// booleans into their string form); integers parse like Integer.parseInt / Long.parseLong,
// booleans like Boolean.parseBoolean (case-insensitive "true", anything else false).
//
// Errors name the field: a missing required field or an unparsable number is
// InvalidArgument("missing required header field 'topic'" / "header field 'queueId' is not an
// int: 'x'"), which handlers answer with SYSTEM_ERROR (or the code the command documents) and
// that text as the remark. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

absl::StatusOr<std::string> RequiredString(const RemotingCommand& cmd, std::string_view name);
absl::StatusOr<int32_t> RequiredInt32(const RemotingCommand& cmd, std::string_view name);
absl::StatusOr<int64_t> RequiredInt64(const RemotingCommand& cmd, std::string_view name);
absl::StatusOr<bool> RequiredBool(const RemotingCommand& cmd, std::string_view name);

std::optional<std::string> OptionalString(const RemotingCommand& cmd, std::string_view name);
// Missing -> `fallback`; present but unparsable -> InvalidArgument.
absl::StatusOr<int32_t> OptionalInt32(const RemotingCommand& cmd, std::string_view name,
                                      int32_t fallback);
absl::StatusOr<int64_t> OptionalInt64(const RemotingCommand& cmd, std::string_view name,
                                      int64_t fallback);
bool OptionalBool(const RemotingCommand& cmd, std::string_view name, bool fallback);

// Java's Integer.parseInt / Long.parseLong on a canonical decimal string.
std::optional<int32_t> ParseJavaInt(std::string_view text);
std::optional<int64_t> ParseJavaLong(std::string_view text);
// Java's Boolean.parseBoolean.
bool ParseJavaBool(std::string_view text);

// ---- Writers (typed headers' WriteTo): every value is emitted as a string (protocol.md 1.6:
// Go clients fail on anything else). Integers in decimal, booleans "true"/"false".
void PutString(ExtFields& fields, std::string_view name, std::string_view value);
void PutInt(ExtFields& fields, std::string_view name, int64_t value);
void PutBool(ExtFields& fields, std::string_view name, bool value);

// Writes a typed header into cmd's extFields, creating them first: like Java, a command that
// carries a header class sends "extFields":{} even when the header has no values set.
template <typename Header>
void WriteHeader(const Header& header, RemotingCommand& cmd) {
  header.WriteTo(cmd.MutableFields());
}

}  // namespace tern::remoting
