#include "engine/flusher.h"

#include "engine/base/check.h"
#include "engine/base/thread_name.h"

namespace tern::engine {

namespace {
constexpr int64_t kPageSize = 4096;
}

Flusher::Flusher(CommitLog* log, FlushOptions options, std::function<void(int64_t)> on_flushed)
    : log_(log), options_(options), on_flushed_(std::move(on_flushed)) {}

Flusher::~Flusher() { Stop(); }

void Flusher::Start() {
  TERN_CHECK(!flush_thread_.joinable());
  stop_flag_.store(false);
  {
    MutexLock lock(&mu_);
    stopping_ = false;
  }
  if (options_.mode == FlushMode::kSync) {
    flush_thread_ = std::thread([this] { RunSync(); });
    watchdog_thread_ = std::thread([this] { RunWatchdog(); });
  } else {
    flush_thread_ = std::thread([this] { RunAsync(); });
  }
}

void Flusher::Stop() {
  if (!flush_thread_.joinable()) return;
  stop_flag_.store(true);
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    watchdog_cv_.SignalAll();
  }
  work_.Notify();
  flush_thread_.join();
  if (watchdog_thread_.joinable()) watchdog_thread_.join();
  // Last flush of whatever was published, then answer every waiter truthfully.
  const bool ok = log_->read_only() ? false : log_->Flush().ok();
  if (ok && on_flushed_) on_flushed_(log_->flushed_offset());
  const int64_t flushed = log_->flushed_offset();
  FlushWaiter* done = nullptr;
  FlushWaiter* failed = nullptr;
  {
    MutexLock lock(&mu_);
    while (head_ != nullptr) {
      FlushWaiter* w = head_;
      Unlink(w);
      FlushWaiter*& list = (ok && w->target_ <= flushed) ? done : failed;
      w->next_ = list;
      list = w;
    }
    failed_ = true;  // no more registrations: nobody would complete them
  }
  Complete(done, FlushOutcome::kOk);
  Complete(failed, FlushOutcome::kError);
}

Flusher::WaitResult Flusher::WaitForFlush(FlushWaiter* waiter, int64_t end_offset) {
  {
    MutexLock lock(&mu_);
    if (failed_ || stopping_) return WaitResult::kFailed;
    if (log_->flushed_offset() >= end_offset) return WaitResult::kAlreadyFlushed;
    waiter->target_ = end_offset;
    waiter->deadline_ = MonoClock::now() + options_.sync_timeout;
    waiter->next_ = nullptr;
    waiter->prev_ = tail_;
    if (tail_ != nullptr) {
      tail_->next_ = waiter;
    } else {
      head_ = waiter;
      watchdog_cv_.Signal();
    }
    tail_ = waiter;
    waiter_count_.fetch_add(1, std::memory_order_seq_cst);
  }
  work_.Notify();
  return WaitResult::kRegistered;
}

void Flusher::Unlink(FlushWaiter* w) {
  if (w->prev_ != nullptr) {
    w->prev_->next_ = w->next_;
  } else {
    head_ = w->next_;
  }
  if (w->next_ != nullptr) {
    w->next_->prev_ = w->prev_;
  } else {
    tail_ = w->prev_;
  }
  w->next_ = w->prev_ = nullptr;
  waiter_count_.fetch_sub(1, std::memory_order_seq_cst);
}

void Flusher::Complete(FlushWaiter* chain, FlushOutcome outcome) {
  while (chain != nullptr) {
    FlushWaiter* next = chain->next_;  // read first: the callback may free the waiter
    chain->OnFlushed(outcome);
    chain = next;
  }
}

void Flusher::RunSync() {
  SetThreadName("tern-flush");
  for (;;) {
    work_.WaitFor(
        [this] {
          return stop_flag_.load() || log_->max_offset() > log_->flushed_offset() ||
                 waiter_count_.load(std::memory_order_seq_cst) > 0;
        },
        std::chrono::milliseconds(100));
    if (stop_flag_.load()) return;
    const auto t0 = MonoClock::now();
    const int64_t before = log_->flushed_offset();
    absl::Status s = log_->Flush();
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now() - t0).count();
    if (!s.ok()) {
      FlushWaiter* chain = nullptr;
      {
        MutexLock lock(&mu_);
        failed_ = true;
        chain = head_;
        for (FlushWaiter* w = head_; w != nullptr; w = w->next_) waiter_count_.fetch_sub(1);
        head_ = tail_ = nullptr;
      }
      Complete(chain, FlushOutcome::kError);
      return;  // read-only from now on; WaitForFlush answers kFailed
    }
    const int64_t flushed = log_->flushed_offset();
    if (flushed > before && on_flushed_) on_flushed_(flushed);
    FlushWaiter* chain = nullptr;
    FlushWaiter* chain_tail = nullptr;
    int64_t n = 0;
    {
      MutexLock lock(&mu_);
      for (FlushWaiter* w = head_; w != nullptr;) {
        FlushWaiter* next = w->next_;
        if (w->target_ <= flushed) {
          Unlink(w);
          if (chain_tail != nullptr) {
            chain_tail->next_ = w;
          } else {
            chain = w;
          }
          chain_tail = w;
          ++n;
        }
        w = next;
      }
      if (flushed > before) stats_.RecordFlush(micros);
      stats_.waiters_done += n;
    }
    Complete(chain, FlushOutcome::kOk);
  }
}

void Flusher::RunWatchdog() {
  SetThreadName("tern-flush-wd");
  MutexLock lock(&mu_);
  for (;;) {
    if (stopping_) return;
    if (head_ == nullptr) {
      watchdog_cv_.Wait(&mu_);
      continue;
    }
    const auto now = MonoClock::now();
    if (head_->deadline_ > now) {
      watchdog_cv_.WaitUntil(&mu_, head_->deadline_);
      continue;
    }
    // Deadlines grow with registration order, so expired waiters form a prefix.
    FlushWaiter* chain = nullptr;
    FlushWaiter* chain_tail = nullptr;
    while (head_ != nullptr && head_->deadline_ <= now) {
      FlushWaiter* w = head_;
      Unlink(w);
      if (chain_tail != nullptr) {
        chain_tail->next_ = w;
      } else {
        chain = w;
      }
      chain_tail = w;
      ++stats_.timeouts;
    }
    mu_.Unlock();
    Complete(chain, FlushOutcome::kTimeout);
    mu_.Lock();
  }
}

void Flusher::RunAsync() {
  SetThreadName("tern-flush");
  auto last_thorough = MonoClock::now();
  for (;;) {
    work_.WaitFor([this] { return stop_flag_.load(); }, options_.interval);
    if (stop_flag_.load()) return;
    const int64_t dirty = log_->unflushed_bytes();
    const auto now = MonoClock::now();
    const bool thorough = now - last_thorough >= options_.thorough_interval;
    if (dirty <= 0) continue;
    if (dirty < options_.min_pages * kPageSize && !thorough) continue;
    if (thorough) last_thorough = now;
    const auto t0 = MonoClock::now();
    if (!log_->Flush().ok()) return;  // read-only; the store reports it on every append
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now() - t0).count();
    if (on_flushed_) on_flushed_(log_->flushed_offset());
    MutexLock lock(&mu_);
    stats_.RecordFlush(micros);
  }
}

FlushStats Flusher::stats() const {
  MutexLock lock(&mu_);
  return stats_;
}

}  // namespace tern::engine
