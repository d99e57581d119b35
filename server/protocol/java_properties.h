// java_properties.h: the Java properties text carried by UPDATE_NAMESRV_CONFIG (318) and
// GET_NAMESRV_CONFIG (319) bodies (and the broker's config commands).
//
// Parse follows java.util.Properties.load as MixAll.string2Properties uses it: natural lines
// end at \n, \r or \r\n; leading blanks (space, \t, \f) are skipped; blank lines and lines
// whose first non-blank is '#' or '!' are comments; an odd number of trailing backslashes joins
// the next line (its leading blanks dropped); the key ends at the first unescaped '=', ':' or
// blank, one '=' or ':' and the blanks around it are skipped; escapes \t \n \r \f \uXXXX
// (written as UTF-8) and \x -> x. A malformed \uXXXX fails, as Java's load throws. Bytes are
// otherwise passed through unchanged. A repeated key keeps its last value, in its first
// position.
//
// Format writes MixAll.properties2String's form: "key=value\n" per entry, nothing escaped.
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace tern::protocol {

using PropertyEntries = std::vector<std::pair<std::string, std::string>>;

absl::StatusOr<PropertyEntries> ParseJavaProperties(std::string_view text);
std::string FormatJavaProperties(const PropertyEntries& entries);

}  // namespace tern::protocol
