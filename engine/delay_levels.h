// delay_levels.h: RocketMQ's delay levels ("1s 5s 10s 30s 1m ... 2h"), level 1..N -> ms.
// Immutable after parsing; thread-safe to share.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tern::engine {

inline constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
inline constexpr std::string_view kDefaultDelayLevels =
    "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

class DelayLevels {
 public:
  // Parses space-separated durations with unit s, m, h or d (RocketMQ messageDelayLevel).
  static absl::StatusOr<DelayLevels> Parse(std::string_view spec);
  static const DelayLevels& Default();

  int max_level() const { return static_cast<int>(millis_.size()); }
  // Delay of `level` (1-based), clamped to [1, max_level()].
  int64_t DelayMillis(int level) const;
  // RocketMQ's computeDeliverTimestamp: store time + the level's delay (+1 s if unknown).
  int64_t DeliverTimestamp(int level, int64_t store_timestamp) const;

 private:
  std::vector<int64_t> millis_;
};

}  // namespace tern::engine
