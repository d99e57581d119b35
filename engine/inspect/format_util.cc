#include "engine/inspect/format_util.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace tern::inspect {

std::string FormatMillis(int64_t millis) {
  if (millis == 0) return "-";
  const std::time_t secs =
      static_cast<std::time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
  const int ms = static_cast<int>(millis - static_cast<int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

int64_t ParseMillis(std::string_view text) {
  int64_t v = 0;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc() ? v : -1;
  }
  int y, mo, d, h = 0, mi = 0, s = 0, ms = 0;
  char sep = 'T';
  const std::string t(text);
  int n = std::sscanf(t.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s);
  if (n != 3 && n != 7) return -1;
  if (n == 7 && sep != 'T' && sep != ' ') return -1;
  const size_t dot = t.find('.');
  if (dot != std::string::npos) {
    size_t i = dot + 1;
    int digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9' && digits < 3) {
      ms = ms * 10 + (t[i] - '0');
      ++i;
      ++digits;
    }
    while (digits++ < 3) ms *= 10;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string FormatBytes(int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, kUnits[u]);
}

std::string RelativePath(std::string_view path, std::string_view root) {
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  if (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/') {
    return std::string(path.substr(root.size() + 1));
  }
  return std::string(path);
}

}  // namespace tern::inspect
