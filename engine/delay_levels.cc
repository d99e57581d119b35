#include "engine/delay_levels.h"

#include <fmt/format.h>

namespace tern::engine {

absl::StatusOr<DelayLevels> DelayLevels::Parse(std::string_view spec) {
  DelayLevels out;
  size_t pos = 0;
  while (pos < spec.size()) {
    while (pos < spec.size() && spec[pos] == ' ') ++pos;
    size_t end = spec.find(' ', pos);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view tok = spec.substr(pos, end - pos);
    pos = end;
    if (tok.empty()) continue;
    int64_t unit = 0;
    switch (tok.back()) {
      case 's':
        unit = 1000;
        break;
      case 'm':
        unit = 60 * 1000;
        break;
      case 'h':
        unit = 60 * 60 * 1000;
        break;
      case 'd':
        unit = 24 * 60 * 60 * 1000;
        break;
      default:
        return absl::InvalidArgumentError(fmt::format("delay level '{}' has no unit s/m/h/d", tok));
    }
    const std::string_view digits = tok.substr(0, tok.size() - 1);
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return absl::InvalidArgumentError(fmt::format("delay level '{}' is not a number", tok));
    }
    out.millis_.push_back(std::stoll(std::string(digits)) * unit);
  }
  if (out.millis_.empty()) return absl::InvalidArgumentError("no delay levels");
  return out;
}

const DelayLevels& DelayLevels::Default() {
  static const DelayLevels* levels = new DelayLevels(*Parse(kDefaultDelayLevels));
  return *levels;
}

int64_t DelayLevels::DelayMillis(int level) const {
  if (level < 1) level = 1;
  if (level > max_level()) level = max_level();
  return millis_[static_cast<size_t>(level - 1)];
}

int64_t DelayLevels::DeliverTimestamp(int level, int64_t store_timestamp) const {
  if (level < 1) return store_timestamp + 1000;
  return store_timestamp + DelayMillis(level);
}

}  // namespace tern::engine
