#include "bench/load/consume_sink.h"

#include <algorithm>

namespace tern::load {

void ConsumeSink::Deliver(Verifier::Queue* queue, std::span<const Verifier::Item> items,
                          uint64_t bytes) {
  verifier_.Observe(queue, items);
  lane_->Done(items.size(), bytes);
  if (expect_ > 0 && verifier_.unique() >= expect_) {
    MutexLock lock(&mu_);
    if (!done_) {
      done_ = true;
      cv_.SignalAll();
    }
  }
}

bool ConsumeSink::WaitDone(std::chrono::steady_clock::time_point deadline,
                           const std::atomic<bool>* interrupt) {
  MutexLock lock(&mu_);
  while (!done_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (interrupt != nullptr && interrupt->load()) return false;
    cv_.WaitUntil(&mu_, std::min(deadline, now + std::chrono::milliseconds(100)));
  }
  return true;
}

}  // namespace tern::load
