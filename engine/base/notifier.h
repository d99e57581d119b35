// notifier.h: wake a sleeping consumer thread without a syscall when nobody sleeps.
//
// Producers call Notify() after publishing new state (with release or stronger order). A
// consumer calls WaitFor(predicate, timeout): it returns at once if the predicate holds, else
// sleeps until a Notify() or the timeout. Notify() takes the mutex only when a consumer is
// asleep (Dekker-style seq_cst flag), so the common path on a hot producer is one atomic load.
// Thread-safe; any number of producers and consumers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace tern {

class Notifier {
 public:
  void Notify() {
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      cv_.notify_all();
    }
  }

  // Returns the predicate's final value.
  template <typename Pred, typename Rep, typename Period>
  bool WaitFor(Pred pred, std::chrono::duration<Rep, Period> timeout) {
    if (pred()) return true;
    std::unique_lock<std::mutex> lock(mu_);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    const bool ok = cv_.wait_for(lock, timeout, pred);
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    return ok;
  }

 private:
  std::atomic<int> sleepers_{0};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace tern
