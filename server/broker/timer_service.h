// timer_service.h: delivers messages at an arbitrary time (beyond RocketMQ 4.x's delay levels),
// driven by properties clients already send: TIMER_DELAY_SEC / TIMER_DELIVER_MS (RocketMQ 5)
// and __STARTDELIVERTIME (Aliyun ONS). delay_route.h decides; this service delivers.
//
// Design, for durability:
//  - The send path stores the message, before it is acknowledged, under the system topic
//    rmq_sys_wheel_timer queue 0 (Java 5's timer topic) with REAL_TOPIC/REAL_QID and Java 5's
//    TIMER_OUT_MS = the absolute delivery time. So the log itself is the timer's journal: the
//    record carries everything needed to deliver it, and a SYNC_FLUSH broker acknowledges it
//    only once it is on disk, like any message.
//  - One thread ingests new units of that queue (woken by Kick() from dispatch) into a
//    TimerWheel (one-second slots in memory) and, when an entry is due, re-puts the record to
//    REAL_TOPIC/REAL_QID (properties minus REAL_TOPIC/REAL_QID; TIMER_OUT_MS stays, so the
//    delivered message is never delayed again) and drops it from the wheel.
//  - Progress (timer_wheel.h TimerProgress: scan offset S, ingest offset I, delivered-up-to
//    time W) is written to config/timerProgress.json every persist_interval and at Stop(),
//    each time after flushing the CommitLog, with W = (earliest pending time) - 1. Deliveries
//    happen in time order, so every unit below I due at or before W was delivered durably.
//  - Load() rebuilds the wheel by scanning the queue from S: units below I due at or before W
//    are skipped, everything else is pending again. A crash can only cause units delivered
//    since the last progress write to be delivered again: at-least-once, never lost.
// Limits: the timer record must still be in the CommitLog when it is due, so keep
// timerMaxDelaySec below fileReservedTime (the broker warns otherwise); the wheel holds 40-odd
// bytes per pending message in memory.
//
// Thread safety: Kick/pending from any thread; Load, Start, Stop from the owner. The store and
// file system must outlive the service.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "engine/base/mutex.h"
#include "engine/file_system.h"
#include "engine/message_store.h"
#include "server/broker/timer_wheel.h"

namespace tern::broker {

class TimerService {
 public:
  struct Options {
    std::string progress_path;  // <storePathRootDir>/config/timerProgress.json
    std::chrono::milliseconds persist_interval{10000};
  };

  TimerService(engine::MessageStore* store, engine::FileSystem* fs, Options options);
  ~TimerService();
  TimerService(const TimerService&) = delete;
  TimerService& operator=(const TimerService&) = delete;

  // Reads the progress file and rebuilds the wheel from the timer queue.
  absl::Status Load(const std::function<void(std::string_view)>& warn);
  void Start();
  // Stops the thread, flushes the CommitLog and writes the progress. Idempotent.
  void Stop();
  // An rmq_sys_wheel_timer record became visible (dispatch thread).
  void Kick();

  // Timer messages waiting for their time.
  size_t pending() const { return pending_.load(); }
  // Writes the progress now (after flushing the CommitLog). Owner thread or timer thread only.
  absl::Status Persist();

 private:
  enum class Outcome { kDelivered, kSkipped, kRetryLater };
  void Run();
  // Adds the units [from, to) of the timer queue; below `delivered_below` those due at or
  // before `delivered_up_to` are known delivered and skipped.
  void Ingest(int64_t to, int64_t delivered_below, int64_t delivered_up_to);
  Outcome Deliver(const TimerWheel::Entry& e);

  engine::MessageStore* const store_;
  engine::FileSystem* const fs_;
  const Options options_;
  // Timer thread (or owner while it is stopped) only.
  TimerWheel wheel_;
  int64_t ingest_offset_ = 0;
  std::atomic<size_t> pending_{0};
  std::atomic<bool> stop_{false};
  Mutex mu_;
  CondVar cv_;
  bool kicked_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tern::broker
