#include "engine/index/index_file_name.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace tern::engine {
namespace {

namespace chr = std::chrono;

// Civil (time-zone free) time: the digits of a name read as if they were UTC.
using CivilMillis = chr::time_point<chr::system_clock, chr::milliseconds>;

std::optional<CivilMillis> ParseCivil(std::string_view name) {
  if (name.size() != kIndexFileNameLength) return std::nullopt;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (name[i] - '0');
    return v;
  };
  const chr::year_month_day ymd{chr::year{num(0, 4)}, chr::month{static_cast<unsigned>(num(4, 2))},
                                chr::day{static_cast<unsigned>(num(6, 2))}};
  const int hour = num(8, 2), minute = num(10, 2), second = num(12, 2), ms = num(14, 3);
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return CivilMillis{chr::sys_days{ymd}.time_since_epoch()} + chr::hours(hour) +
         chr::minutes(minute) + chr::seconds(second) + chr::milliseconds(ms);
}

std::string FormatCivil(CivilMillis t) {
  const auto day = chr::floor<chr::days>(t);
  const chr::year_month_day ymd(day);
  const chr::hh_mm_ss<chr::milliseconds> tod(t - day);
  return fmt::format("{:04d}{:02d}{:02d}{:02d}{:02d}{:02d}{:03d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count(),
                     tod.subseconds().count());
}

}  // namespace

std::string IndexFileNameForMillis(int64_t millis) {
  int64_t secs = millis / 1000;
  int64_t ms = millis % 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return fmt::format("{:04d}{:02d}{:02d}{:02d}{:02d}{:02d}{:03d}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

bool IsIndexFileName(std::string_view name) { return ParseCivil(name).has_value(); }

std::optional<std::string> NextIndexFileName(std::string_view name) {
  const std::optional<CivilMillis> t = ParseCivil(name);
  if (!t) return std::nullopt;
  std::string next = FormatCivil(*t + chr::milliseconds(1));
  if (next.size() != kIndexFileNameLength) return std::nullopt;  // past year 9999
  return next;
}

std::string NewIndexFileName(int64_t now_millis, std::string_view last_name) {
  std::string name = IndexFileNameForMillis(now_millis);
  if (last_name.empty() || name > last_name) return name;
  std::optional<std::string> next = NextIndexFileName(last_name);
  return next ? *std::move(next) : name;
}

}  // namespace tern::engine
