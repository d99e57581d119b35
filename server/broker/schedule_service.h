// schedule_service.h: delivers delay-level messages (RocketMQ's ScheduleMessageService,
// protocol.md 7.2).
//
// The send path stores a message with DELAY=n under SCHEDULE_TOPIC_XXXX queue n-1 with
// REAL_TOPIC/REAL_QID; the dispatcher gives its ConsumeQueue unit the delivery time as tags
// code. One thread walks every level's queue from its progress offset: a unit that is due
// (its time, corrected to "now" when further away than the level's delay, i.e. the clock went
// back) is re-put as a new record to REAL_TOPIC/REAL_QID with the same body, flag, sysFlag,
// born time and host, store host and reconsume times, and the stored properties minus DELAY
// (REAL_TOPIC/REAL_QID stay, as in Java). The thread sleeps until the next unit is due or a
// new SCHEDULE_TOPIC_XXXX record is dispatched (Kick), at most one second, so a message is
// delivered within milliseconds of its time.
//
// Durability: progress (level -> next queue offset) is kept in config/delayOffset.json
// (Java's format). It is written every persist_interval and at Stop(), each time after
// flushing the CommitLog, so the file never covers a delivery that a crash could still take
// away: nothing is lost. A crash redelivers what was delivered since the last write
// (at-least-once; a clean stop delivers exactly once).
//
// Thread safety: Kick/Offsets/EncodeOffsets from any thread; Load, Start and Stop from the
// owner. The store and file system must outlive the service.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "engine/base/mutex.h"
#include "engine/consume_queue_format.h"
#include "engine/delay_levels.h"
#include "engine/file_system.h"
#include "engine/message_store.h"

namespace tern::broker {

class ScheduleService {
 public:
  struct Options {
    engine::DelayLevels levels = engine::DelayLevels::Default();
    std::string offset_path;  // <storePathRootDir>/config/delayOffset.json
    std::chrono::milliseconds persist_interval{10000};
  };

  ScheduleService(engine::MessageStore* store, engine::FileSystem* fs, Options options);
  ~ScheduleService();
  ScheduleService(const ScheduleService&) = delete;
  ScheduleService& operator=(const ScheduleService&) = delete;

  // Reads delayOffset.json (a missing file is a fresh store).
  absl::Status Load(const std::function<void(std::string_view)>& warn);
  void Start();
  // Stops the thread, flushes the CommitLog and writes the progress. Idempotent.
  void Stop();
  // A SCHEDULE_TOPIC_XXXX record became visible (dispatch thread).
  void Kick();

  const engine::DelayLevels& levels() const { return options_.levels; }
  // Level -> next queue offset to deliver.
  std::map<int32_t, int64_t> Offsets() const;
  // The progress in delayOffset.json's format (GET_ALL_DELAY_OFFSET's body).
  std::string EncodeOffsets() const;
  // Writes the progress now if it changed (after flushing the CommitLog).
  absl::Status Persist();

 private:
  enum class Outcome { kDelivered, kSkipped, kRetryLater };
  void Run();
  // Delivers what is due on every level; returns the wall time the next unit is due.
  int64_t DeliverDue();
  Outcome Deliver(const engine::CqUnit& unit, int32_t level);

  engine::MessageStore* const store_;
  engine::FileSystem* const fs_;
  const Options options_;
  std::atomic<bool> stop_{false};
  mutable Mutex mu_;
  CondVar cv_;
  bool kicked_ ABSL_GUARDED_BY(mu_) = false;
  std::map<int32_t, int64_t> offsets_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  Mutex persist_mu_;  // one Persist() at a time
  std::thread thread_;
};

}  // namespace tern::broker
