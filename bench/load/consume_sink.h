// consume_sink.h: ConsumeSink, where a consume source (push_source.h, pull_source.h) delivers
// what it receives: it verifies (verifier.h), counts (stats.h) and tells the runner when the
// expected number of unique messages has arrived.
//
// Thread safety: Deliver() and Fail() may be called from any number of threads; WaitDone()
// from one. The sink outlives the source that feeds it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>

#include "absl/base/thread_annotations.h"
#include "bench/load/stats.h"
#include "bench/load/verifier.h"
#include "engine/base/mutex.h"

namespace tern::load {

class ConsumeSink {
 public:
  explicit ConsumeSink(uint64_t expect) : expect_(expect), lane_(stats_.AddLane()) {}
  ConsumeSink(const ConsumeSink&) = delete;
  ConsumeSink& operator=(const ConsumeSink&) = delete;

  Verifier& verifier() { return verifier_; }
  RunStats& stats() { return stats_; }

  // Messages of one queue; `bytes` is the sum of their body sizes.
  void Deliver(Verifier::Queue* queue, std::span<const Verifier::Item> items, uint64_t bytes);
  // A pull or a response that failed (counted once per event, not per message).
  void Fail(const absl::Status& status) { stats_.AddError(status, 1); }
  // Records a response that could not be decoded (fails the run).
  void Corrupt(const absl::Status& status) {
    corrupt_.fetch_add(1, std::memory_order_relaxed);
    Fail(status);
  }
  uint64_t corrupt() const { return corrupt_.load(std::memory_order_relaxed); }

  // Waits until the expected count arrived (true), `deadline` passes or `*interrupt` is set
  // (false). Checks the interrupt flag every 100 ms.
  bool WaitDone(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* interrupt);

 private:
  const uint64_t expect_;
  RunStats stats_;
  Lane* const lane_;
  Verifier verifier_;
  std::atomic<uint64_t> corrupt_{0};
  Mutex mu_;
  CondVar cv_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tern::load
