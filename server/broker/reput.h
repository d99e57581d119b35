// reput.h: small helpers shared by the broker's "re-put" paths — the schedule service, the
// timer service, retry/DLQ send-back and transaction commits all build a new CommitLog record
// from a stored one, with a few properties changed, and scan system ConsumeQueues.
//
// Property edits keep the other pairs in their stored order and write RocketMQ 4.8's form
// (every pair ends with \x02). Pure functions; thread-safe. A MessageToStore built by
// CopyRecord borrows the record's bytes: use it while the record's pin is held.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/commit_log_codec.h"
#include "engine/message_store.h"

namespace tern::broker {

// The system topic of timer messages (Java 5's TimerMessageStore.TIMER_TOPIC).
inline constexpr std::string_view kTimerTopic = "rmq_sys_wheel_timer";
// Java 5's property holding a timer message's delivery time (absolute ms), set by the broker.
inline constexpr std::string_view kTimerOutMsProperty = "TIMER_OUT_MS";

using PropertyEdit = std::pair<std::string_view, std::string_view>;

// `props` with every pair named in `remove` or `set` dropped, then the `set` pairs appended.
std::string EditProperties(std::string_view props, std::initializer_list<PropertyEdit> set,
                           std::initializer_list<std::string_view> remove = {});

// The fields of `r` a re-put keeps (body, flag, sysFlag, born time and host, store host,
// reconsume times, properties, topic and queue); queue/physical offsets and the store time are
// assigned by the append.
engine::MessageToStore CopyRecord(const engine::RecordView& r);

// The record of unit `offset` of (topic, queue), pinned; nullopt for a filler unit, an
// offset outside the queue, or a record that is gone or fails its checks.
std::optional<engine::FoundMessage> ReadQueueRecord(engine::MessageStore& store,
                                                    std::string_view topic, int32_t queue,
                                                    int64_t offset);

// A canonical non-negative or negative decimal (Long.parseLong without '+'), else nullopt.
std::optional<int64_t> ParseDecimal(std::string_view text);

}  // namespace tern::broker
