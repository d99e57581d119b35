// delay_route.h: decides whether a message being sent is delayed, and how (protocol.md 7.2).
//
//  - DELAY=n (n > 0): a RocketMQ delay level, clamped to the broker's highest level as Java
//    does. It wins over the timer properties (Java 5's HookUtils.checkIfTimerMessage).
//  - Otherwise an arbitrary delivery time, from properties clients already send:
//    TIMER_DELAY_SEC (RocketMQ 5, relative seconds), TIMER_DELIVER_MS (RocketMQ 5, absolute
//    ms), __STARTDELIVERTIME (Aliyun ONS / ali-ons, absolute ms), in that order of precedence.
//    A time not in the future means "deliver now" (no delay). A time further away than the
//    broker's horizon (timerMaxDelaySec) is refused, as is an unparsable value.
//  - A message that already carries TIMER_OUT_MS (a delivered timer message sent on again) is
//    not delayed again, as in Java 5.
//
// Refusals are InvalidArgument with the remark the broker sends (MESSAGE_ILLEGAL, 13). Pure
// function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern::broker {

struct DelayDecision {
  enum class Kind { kNone, kLevel, kTimer };
  Kind kind = Kind::kNone;
  int32_t level = 0;       // kLevel: 1..max_level
  int64_t deliver_ms = 0;  // kTimer: absolute delivery time
};

absl::StatusOr<DelayDecision> ClassifyDelay(std::string_view properties, int64_t now_ms,
                                            int32_t max_level, int64_t max_timer_delay_ms);

}  // namespace tern::broker

namespace tern::broker {

// The stored properties of a message parked in SCHEDULE_TOPIC_XXXX queue level-1: DELAY set to
// the (clamped) level and REAL_TOPIC/REAL_QID to where it goes when due.
std::string ScheduleProperties(std::string_view props, std::string_view real_topic,
                               int32_t real_queue, int32_t level);
// The stored properties of a message parked in rmq_sys_wheel_timer: TIMER_OUT_MS (Java 5) and
// REAL_TOPIC/REAL_QID.
std::string TimerProperties(std::string_view props, std::string_view real_topic, int32_t real_queue,
                            int64_t deliver_ms);

}  // namespace tern::broker
