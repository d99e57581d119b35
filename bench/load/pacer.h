// pacer.h: RatePacer, the open-loop send schedule behind `tern bench produce --rate`.
//
// Slot k of a run is due at start + k / rate. Senders claim slots in order and send each at
// its due time; when a send is late (the broker is slow, the sender is stuck), the next slot
// is already due and goes out at once. Latency is measured from the slot's due time, not from
// the moment the send started, so a stall shows up in every message scheduled during it
// instead of only in the one that was stuck (Gil Tene's "coordinated omission").
//
// A claim may cover n slots (a batch of n messages); it is due when its last slot is, since a
// batch can leave only once its last message exists. Without a rate (rate 0) the pacer hands
// out slots with no schedule: the run is closed-loop and latency is service time.
//
// Thread safety: Claim() is lock-free and may be called from any number of threads (all
// senders of a run share one pacer, so the total rate is the one asked for); SlotTime() is
// pure. Plain object; it borrows nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace tern::load {

class RatePacer {
 public:
  using Clock = std::chrono::steady_clock;

  struct Claim {
    uint64_t first_slot = 0;
    uint32_t slots = 0;
    Clock::time_point due;  // when the claim's last slot is due (unpaced: time::min())
  };

  // `rate_per_sec` messages per second over all senders; 0 (or less) means unpaced.
  RatePacer(double rate_per_sec, Clock::time_point start);
  RatePacer(const RatePacer&) = delete;
  RatePacer& operator=(const RatePacer&) = delete;

  bool paced() const { return interval_ns_ > 0; }
  Clock::time_point start() const { return start_; }
  // The due time of slot `slot`.
  Clock::time_point SlotTime(uint64_t slot) const;
  // Claims the next `n` (>= 1) slots.
  Claim Next(uint32_t n = 1);
  // Slots claimed so far.
  uint64_t claimed() const { return next_.load(std::memory_order_relaxed); }

 private:
  const double interval_ns_;  // 0: unpaced
  const Clock::time_point start_;
  std::atomic<uint64_t> next_{0};
};

// Sleeps until `due` (returns at once when it has passed); wakes at least every 100 ms to
// test `stop`, and returns false if it became true.
bool SleepUntil(RatePacer::Clock::time_point due, const std::atomic<bool>& stop);

}  // namespace tern::load
