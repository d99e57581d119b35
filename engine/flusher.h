// flusher.h: makes the CommitLog durable, periodically (ASYNC_FLUSH) or by group commit
// (SYNC_FLUSH).
//
// ASYNC_FLUSH: one thread syncs every `interval` when at least `min_pages` pages are dirty,
// and at least every `thorough_interval` whatever the amount (RocketMQ's
// FlushRealTimeService).
//
// SYNC_FLUSH: appenders that must wait (WAIT=true) hand a FlushWaiter to WaitForFlush() and
// return to their event loop; no thread blocks per message and nothing is allocated per
// append (waiters are intrusive, owned by the caller). The flush thread runs back to back
// while data is unflushed: each pass snapshots the published end, syncs once, and completes
// every waiter registered before the snapshot. So one msync covers every message that
// arrived during the previous one. A watchdog thread completes waiters whose deadline
// (`sync_timeout`, below the clients' 3 s send timeout) passes first with kTimeout; the
// message is still stored and will be flushed, but the client hears FLUSH_DISK_TIMEOUT
// rather than silence or a false success. A failed sync completes every waiter with kError
// and the CommitLog stays read-only.
//
// Callbacks run on the flush or watchdog thread and must be quick (post to an event loop).
// After Stop() returns no callback runs; waiters still pending are completed with kError
// ("shutting down") by Stop() itself.
//
// Thread safety: WaitForFlush from any thread. Start/Stop from the owner.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "engine/base/clock.h"
#include "engine/base/mutex.h"
#include "engine/base/notifier.h"
#include "engine/commit_log.h"

namespace tern::engine {

enum class FlushMode { kAsync, kSync };

struct FlushOptions {
  FlushMode mode = FlushMode::kAsync;
  // ASYNC_FLUSH period and threshold (RocketMQ flushIntervalCommitLog, flushCommitLogLeastPages).
  std::chrono::milliseconds interval{500};
  int min_pages = 4;
  // ASYNC_FLUSH: flush whatever is dirty at least this often (flushCommitLogThoroughInterval).
  std::chrono::milliseconds thorough_interval{10000};
  // SYNC_FLUSH: how long a waiter waits before kTimeout (RocketMQ syncFlushTimeout is 5 s; ours
  // stays below the clients' 3 s send timeout so they see FLUSH_DISK_TIMEOUT).
  std::chrono::milliseconds sync_timeout{2500};
};

enum class FlushOutcome { kOk, kTimeout, kError };

// One appender waiting for durability. Owned by the caller, who must keep it alive until
// OnFlushed() has been called (exactly once).
class FlushWaiter {
 public:
  virtual ~FlushWaiter() = default;
  virtual void OnFlushed(FlushOutcome outcome) = 0;

 private:
  friend class Flusher;
  int64_t target_ = 0;
  MonoClock::time_point deadline_;
  FlushWaiter* next_ = nullptr;
  FlushWaiter* prev_ = nullptr;
};

// Upper bounds (microseconds) of the flush latency histogram buckets; a last, unbounded
// bucket follows.
inline constexpr std::array<int64_t, 14> kFlushLatencyBoundsMicros = {
    50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000};

struct FlushStats {
  int64_t flushes = 0;       // successful syncs
  int64_t waiters_done = 0;  // completed with kOk
  int64_t timeouts = 0;
  int64_t last_flush_micros = 0;
  // Every successful sync's duration: counts per kFlushLatencyBoundsMicros bucket (+1 for
  // the overflow bucket), and the total.
  std::array<int64_t, kFlushLatencyBoundsMicros.size() + 1> latency_buckets{};
  int64_t latency_micros_total = 0;

  void RecordFlush(int64_t micros) {
    ++flushes;
    last_flush_micros = micros;
    latency_micros_total += micros;
    size_t b = 0;
    while (b < kFlushLatencyBoundsMicros.size() && micros > kFlushLatencyBoundsMicros[b]) ++b;
    ++latency_buckets[b];
  }
};

class Flusher {
 public:
  // `on_flushed` (may be empty) is called on the flush thread after each sync that advanced
  // the durable end, with the new flushed offset (the dispatcher hooks in here).
  Flusher(CommitLog* log, FlushOptions options, std::function<void(int64_t)> on_flushed);
  ~Flusher();
  Flusher(const Flusher&) = delete;
  Flusher& operator=(const Flusher&) = delete;

  void Start();
  // Flushes what is published (unless the log is read-only), stops the threads, and
  // completes remaining waiters.
  void Stop();

  enum class WaitResult {
    kRegistered,      // OnFlushed() will be called later
    kAlreadyFlushed,  // durable already; nothing registered, the caller answers at once
    kFailed,          // the log failed a sync (or the flusher stopped); nothing registered
  };
  // SYNC_FLUSH: completes `waiter` once the log is durable through `end_offset`.
  WaitResult WaitForFlush(FlushWaiter* waiter, int64_t end_offset);

  // Wakes the flush thread (called after an append in SYNC_FLUSH mode).
  void Wake() { work_.Notify(); }

  const FlushOptions& options() const { return options_; }
  FlushStats stats() const;

 private:
  void RunAsync();
  void RunSync();
  void RunWatchdog();
  void Complete(FlushWaiter* chain, FlushOutcome outcome);
  void Unlink(FlushWaiter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  CommitLog* const log_;
  const FlushOptions options_;
  const std::function<void(int64_t)> on_flushed_;

  mutable Mutex mu_;
  CondVar watchdog_cv_;                               // head_ became non-null, or stopping_
  FlushWaiter* head_ ABSL_GUARDED_BY(mu_) = nullptr;  // oldest: earliest deadline
  FlushWaiter* tail_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
  FlushStats stats_ ABSL_GUARDED_BY(mu_);

  Notifier work_;
  std::atomic<int> waiter_count_{0};
  std::atomic<bool> stop_flag_{false};
  std::thread flush_thread_;
  std::thread watchdog_thread_;
};

}  // namespace tern::engine
