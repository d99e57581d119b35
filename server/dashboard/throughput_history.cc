#include "server/dashboard/throughput_history.h"

namespace tern::dashboard {

void ThroughputHistory::Record(int64_t now_ms, const std::vector<BrokerCounterSample>& samples) {
  MutexLock lock(&mu_);
  ThroughputPoint p;
  p.time_ms = now_ms;
  std::map<std::string, Last> next;
  for (const BrokerCounterSample& s : samples) {
    next[s.broker] = Last{now_ms, s.put_total, s.get_total};
    auto it = last_.find(s.broker);
    if (it == last_.end() || now_ms <= it->second.time_ms) continue;
    const double seconds = static_cast<double>(now_ms - it->second.time_ms) / 1000.0;
    const int64_t dput = s.put_total - it->second.put_total;
    const int64_t dget = s.get_total - it->second.get_total;
    const double in = dput >= 0 ? static_cast<double>(dput) / seconds : 0;
    const double out = dget >= 0 ? static_cast<double>(dget) / seconds : 0;
    p.brokers[s.broker] = {in, out};
    p.in_tps += in;
    p.out_tps += out;
  }
  last_ = std::move(next);
  points_.push_back(std::move(p));
  while (points_.size() > capacity_) points_.pop_front();
}

std::vector<ThroughputPoint> ThroughputHistory::Points() const {
  MutexLock lock(&mu_);
  return {points_.begin(), points_.end()};
}

}  // namespace tern::dashboard
