// index_file_name.h: IndexFile names, "yyyyMMddHHmmssSSS"
// (UtilAll.timeMillisToHumanString).
//
// An index file is named by its creation time in local time, e.g.
// "20240101120000123". Names are compared as strings (RocketMQ loads the files
// sorted by name), so a new name must sort after every existing one even if the
// clock stepped back or two files are created within one millisecond:
// NewIndexFileName then continues from the last name, one civil millisecond at
// a time (calendar arithmetic on the digits, no time zone involved). Pure
// functions, except that IndexFileNameForMillis reads the process's time zone
// (localtime_r); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern::engine {

inline constexpr size_t kIndexFileNameLength = 17;

// `millis` since the epoch as local time, "yyyyMMddHHmmssSSS".
std::string IndexFileNameForMillis(int64_t millis);

// True if `name` is 17 digits forming a valid calendar date and time of day.
bool IsIndexFileName(std::string_view name);

// The civil date-time of `name` plus one millisecond, in the same form; nullopt
// if `name` is not a valid index file name (or is the last millisecond of year
// 9999).
std::optional<std::string> NextIndexFileName(std::string_view name);

// The name for a file created at `now_millis`:
// IndexFileNameForMillis(now_millis) if it sorts after `last_name` (or
// `last_name` is empty), else the millisecond after `last_name`. If `last_name`
// is not a valid name the time-based name is returned unchanged.
std::string NewIndexFileName(int64_t now_millis, std::string_view last_name);

}  // namespace tern::engine
