#include "server/broker/delay_route.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "engine/properties.h"
#include "server/broker/reput.h"

namespace tern::broker {

namespace prop = engine::property;

absl::StatusOr<DelayDecision> ClassifyDelay(std::string_view properties, int64_t now_ms,
                                            int32_t max_level, int64_t max_timer_delay_ms) {
  DelayDecision d;
  std::optional<std::string_view> delay, delay_sec, deliver_ms, start_deliver, timer_out;
  engine::ForEachProperty(properties, [&](std::string_view name, std::string_view value) {
    if (name == prop::kDelayLevel) {
      delay = value;
    } else if (name == prop::kTimerDelaySec) {
      delay_sec = value;
    } else if (name == prop::kTimerDeliverMs) {
      deliver_ms = value;
    } else if (name == prop::kStartDeliverTime) {
      start_deliver = value;
    } else if (name == kTimerOutMsProperty) {
      timer_out = value;
    }
  });
  if (delay) {
    const std::optional<int64_t> level = ParseDecimal(*delay);
    if (!level || *level > INT32_MAX || *level < INT32_MIN) {
      return absl::InvalidArgumentError(
          fmt::format("the DELAY property '{}' is not a delay level (1..{})", *delay, max_level));
    }
    if (*level > 0) {
      d.kind = DelayDecision::Kind::kLevel;
      d.level = static_cast<int32_t>(std::min<int64_t>(*level, max_level));
      return d;
    }
  }
  if (timer_out) return d;  // delivered once already (Java 5's double check)
  std::string_view name;
  std::optional<std::string_view> value;
  if (delay_sec) {
    name = prop::kTimerDelaySec;
    value = delay_sec;
  } else if (deliver_ms) {
    name = prop::kTimerDeliverMs;
    value = deliver_ms;
  } else if (start_deliver) {
    name = prop::kStartDeliverTime;
    value = start_deliver;
  } else {
    return d;
  }
  const std::optional<int64_t> v = ParseDecimal(*value);
  if (!v) {
    return absl::InvalidArgumentError(
        fmt::format("timer message illegal: the {} property '{}' is not a number", name, *value));
  }
  int64_t at = 0;
  if (delay_sec) {
    if (*v <= 0) return d;
    if (*v > max_timer_delay_ms / 1000 + 1) {
      return absl::InvalidArgumentError(
          fmt::format("timer message illegal: {}={} s is beyond the broker's maximum delay of {} s "
                      "(timerMaxDelaySec); the message was not stored",
                      name, *v, max_timer_delay_ms / 1000));
    }
    at = now_ms + *v * 1000;
  } else {
    at = *v;
  }
  if (at <= now_ms) return d;  // due already: an ordinary message
  if (at - now_ms > max_timer_delay_ms) {
    return absl::InvalidArgumentError(fmt::format(
        "timer message illegal: {}={} is {} ms from now, beyond the broker's maximum delay of "
        "{} s (timerMaxDelaySec); the message was not stored",
        name, *value, at - now_ms, max_timer_delay_ms / 1000));
  }
  d.kind = DelayDecision::Kind::kTimer;
  d.deliver_ms = at;
  return d;
}

}  // namespace tern::broker

namespace tern::broker {

std::string ScheduleProperties(std::string_view props, std::string_view real_topic,
                               int32_t real_queue, int32_t level) {
  const std::string level_text = std::to_string(level);
  const std::string queue_text = std::to_string(real_queue);
  return EditProperties(props, {{prop::kRealTopic, real_topic},
                                {prop::kRealQueueId, queue_text},
                                {prop::kDelayLevel, level_text}});
}

std::string TimerProperties(std::string_view props, std::string_view real_topic, int32_t real_queue,
                            int64_t deliver_ms) {
  const std::string at_text = std::to_string(deliver_ms);
  const std::string queue_text = std::to_string(real_queue);
  return EditProperties(props, {{kTimerOutMsProperty, at_text},
                                {prop::kRealTopic, real_topic},
                                {prop::kRealQueueId, queue_text}});
}

}  // namespace tern::broker
