// progress.h: ProgressPrinter, the once-a-second line a running `tern bench` prints:
//
//   [   3s] 152340 msg/s  19.50 MB/s  p99 1.20 ms  errors 0  | unique 456000
//
// Rates and p99 are for the last second (histogram snapshot differences); the text after "|"
// comes from an optional callback. The printer owns one thread, started by the constructor
// and joined by Stop() or the destructor. It reads `stats` (which must outlive it) and writes
// only to `out`.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "bench/load/stats.h"
#include "engine/base/mutex.h"

namespace tern::load {

class ProgressPrinter {
 public:
  using Extra = std::function<std::string()>;
  // `out` null: prints nothing (the thread is not started).
  ProgressPrinter(const RunStats* stats, std::FILE* out, Extra extra = nullptr);
  ~ProgressPrinter();
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;

  void Stop();

 private:
  void Run();

  const RunStats* const stats_;
  std::FILE* const out_;
  const Extra extra_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tern::load
