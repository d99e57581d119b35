// throughput_history.h: the Cluster page's TPS charts — a ring buffer of message rates in
// (puts) and out (gets) per broker and in total, computed from consecutive samples of each
// broker's msgPutTotalTodayNow / msgGetTotalTodayNow (GET_BROKER_RUNTIME_INFO).
//
// A counter that goes backwards (a broker restart, Java's midnight reset) yields no rate for
// that step; a broker seen for the first time yields its rate from the next sample on. Holds
// the last `capacity` points (at the default 5 s interval, 720 points = 1 hour).
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"

namespace tern::dashboard {

struct BrokerCounterSample {
  std::string broker;  // "brokerName@addr"
  int64_t put_total = 0;
  int64_t get_total = 0;
};

struct ThroughputPoint {
  int64_t time_ms = 0;
  double in_tps = 0;
  double out_tps = 0;
  std::map<std::string, std::pair<double, double>> brokers;  // broker -> (in, out)
};

class ThroughputHistory {
 public:
  explicit ThroughputHistory(size_t capacity) : capacity_(capacity) {}

  // Adds a point computed against the previous sample of each broker.
  void Record(int64_t now_ms, const std::vector<BrokerCounterSample>& samples);
  std::vector<ThroughputPoint> Points() const;

 private:
  struct Last {
    int64_t time_ms = 0;
    int64_t put_total = 0;
    int64_t get_total = 0;
  };
  const size_t capacity_;
  mutable Mutex mu_;
  std::map<std::string, Last> last_ ABSL_GUARDED_BY(mu_);
  std::deque<ThroughputPoint> points_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::dashboard
