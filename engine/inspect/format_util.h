// format_util.h: small formatting helpers shared by the tools' text output. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tern::inspect {

// "2024-01-01T12:00:00.123Z" (UTC); "-" for 0.
std::string FormatMillis(int64_t millis);
// Parses FormatMillis's form (fraction and Z optional, "T" or " ") or plain epoch
// milliseconds; -1 when it is neither.
int64_t ParseMillis(std::string_view text);
// "1.5 GiB", "312 KiB", "17 B".
std::string FormatBytes(int64_t bytes);
// `path` relative to `root` when it lies under it.
std::string RelativePath(std::string_view path, std::string_view root);

}  // namespace tern::inspect
