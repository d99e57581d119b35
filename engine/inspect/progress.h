// progress.h: how long-running inspections report progress (the CLI draws a bar on stderr).
// Callbacks run on the calling thread, at most every few megabytes of work.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace tern::inspect {

// `phase` names the walk ("commitlog", "consumequeue", ...); done <= total, in bytes or units.
using ProgressFn = std::function<void(std::string_view phase, int64_t done, int64_t total)>;

}  // namespace tern::inspect
