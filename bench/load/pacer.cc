#include "bench/load/pacer.h"

#include <cmath>
#include <thread>

namespace tern::load {

RatePacer::RatePacer(double rate_per_sec, Clock::time_point start)
    : interval_ns_(rate_per_sec > 0 ? 1e9 / rate_per_sec : 0.0), start_(start) {}

RatePacer::Clock::time_point RatePacer::SlotTime(uint64_t slot) const {
  // Computed from the slot number (not by adding intervals) so rounding never accumulates.
  return start_ + std::chrono::nanoseconds(
                      static_cast<int64_t>(std::llround(static_cast<double>(slot) * interval_ns_)));
}

RatePacer::Claim RatePacer::Next(uint32_t n) {
  if (n == 0) n = 1;
  Claim c;
  c.first_slot = next_.fetch_add(n, std::memory_order_relaxed);
  c.slots = n;
  c.due = paced() ? SlotTime(c.first_slot + n - 1) : Clock::time_point::min();
  return c;
}

bool SleepUntil(RatePacer::Clock::time_point due, const std::atomic<bool>& stop) {
  constexpr auto kStep = std::chrono::milliseconds(100);
  while (true) {
    if (stop.load(std::memory_order_relaxed)) return false;
    const auto now = RatePacer::Clock::now();
    if (now >= due) return true;
    std::this_thread::sleep_until(std::min(due, now + kStep));
  }
}

}  // namespace tern::load
