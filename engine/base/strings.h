// strings.h: glue between Abseil's string_view and the standard one.
//
// Debian's Abseil (20220623) is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so
// absl::string_view is a distinct type: absl::StrCat and friends do not take std::string_view.
// The project formats with fmt::format (std::string_view-aware) and converts at the few
// places Abseil hands back its own view (Status::message()).
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tern {

inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }
inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }
// The message of a Status as a std::string_view (valid while the Status lives).
inline std::string_view MessageOf(const absl::Status& s) { return ToStd(s.message()); }

}  // namespace tern
