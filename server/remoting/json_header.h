// json_header.h: the JSON header of serializeType 0 frames (protocol.md 1.3, 1.6).
//
// Decoding is lenient where real clients differ and strict where Java would fail:
//  - the header must be one JSON object (anything else is an error: close the connection);
//    keys in any order, unknown keys (serializeTypeCurrentRPC, ...) ignored, a repeated key
//    resolves to the last one;
//  - code, version, opaque, flag: JSON integers in Java int range (or decimal strings, as
//    fastjson coerces them); missing or null keeps 0;
//  - language: the enum name (unknown names map to OTHER) or its ordinal; missing is JAVA;
//  - remark: missing or null is no remark, "" is kept as "";
//  - extFields: missing or null is absent, {} is present and empty. Values may be strings,
//    numbers (64-bit, negative, any size: the number's JSON text is kept, "-0" becomes "0"),
//    booleans ("true"/"false"); null values are skipped, as are nested objects and arrays.
//  - nesting deeper than kMaxJsonHeaderDepth and NUL bytes are errors.
// Encoding writes what Java's fastjson writes: compact, keys in alphabetical order (code,
// extFields, flag, language, opaque, remark, serializeTypeCurrentRPC, version), absent remark
// and extFields omitted, extFields in their insertion order with string values only,
// serializeTypeCurrentRPC "JSON", fastjson's string escaping.
//
// Pure functions, thread-safe. The decoded command owns its strings.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/remoting/command.h"

namespace tern::remoting {

inline constexpr int kMaxJsonHeaderDepth = 32;

// Decodes a JSON header. The result's serialize_type is kJson. Errors are InvalidArgument.
absl::StatusOr<RemotingCommand> DecodeJsonHeader(std::string_view header);

// Appends the JSON header of `cmd` to `out` (cmd.serialize_type is not consulted).
void AppendJsonHeader(const RemotingCommand& cmd, std::string& out);
std::string EncodeJsonHeader(const RemotingCommand& cmd);

}  // namespace tern::remoting
