// base64.h: standard base64 (RFC 4648, '=' padding) for message bodies in `tern admin` and
// `tern store export` JSON lines. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern::tools {

std::string Base64Encode(std::string_view bytes);
// Accepts padded or unpadded input; whitespace is an error. InvalidArgument names the offset.
absl::StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace tern::tools
