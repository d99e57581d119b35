#include "bench/load/progress.h"

#include <fmt/format.h>

#include "bench/load/summary.h"
#include "engine/base/thread_name.h"

namespace tern::load {

ProgressPrinter::ProgressPrinter(const RunStats* stats, std::FILE* out, Extra extra)
    : stats_(stats), out_(out), extra_(std::move(extra)) {
  if (out_ != nullptr) thread_ = std::thread([this] { Run(); });
}

ProgressPrinter::~ProgressPrinter() { Stop(); }

void ProgressPrinter::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

void ProgressPrinter::Run() {
  SetThreadName("bench-progress");
  const auto start = std::chrono::steady_clock::now();
  StatsTotals prev = stats_->Totals();
  for (int tick = 1;; ++tick) {
    {
      MutexLock lock(&mu_);
      const auto deadline = start + std::chrono::seconds(tick);
      while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
        cv_.WaitUntil(&mu_, deadline);
      }
      if (stopping_) return;
    }
    const StatsTotals now = stats_->Totals();
    const HistogramSnapshot interval = now.latency.Since(prev.latency);
    std::string line =
        fmt::format("[{:>5}s] {:>8} msg/s  {:>7.2f} MB/s", tick, now.msgs - prev.msgs,
                    static_cast<double>(now.bytes - prev.bytes) / 1e6);
    if (interval.count() > 0)
      line += fmt::format("  p99 {}", FormatMicros(interval.Percentile(99)));
    line += fmt::format("  errors {}", now.errors - prev.errors);
    if (extra_) line += "  | " + extra_();
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
    prev = now;
  }
}

}  // namespace tern::load
