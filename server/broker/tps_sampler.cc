#include "server/broker/tps_sampler.h"

#include <fmt/format.h>

namespace tern::broker {

void TpsSampler::Sample(int64_t now_ms, int64_t value) {
  MutexLock lock(&mu_);
  samples_.emplace_back(now_ms, value);
  while (!samples_.empty() && samples_.front().first < now_ms - 11 * 60 * 1000) {
    samples_.pop_front();
  }
}

double TpsSampler::Rate(int64_t window_ms) const {
  MutexLock lock(&mu_);
  if (samples_.size() < 2) return -1;
  const auto& last = samples_.back();
  // The oldest sample inside the window.
  for (const auto& s : samples_) {
    if (s.first >= last.first - window_ms) {
      if (s.first == last.first) return -1;
      if (last.first - samples_.front().first < window_ms * 9 / 10) return -1;
      return static_cast<double>(last.second - s.second) * 1000.0 /
             static_cast<double>(last.first - s.first);
    }
  }
  return -1;
}

std::string TpsSampler::Rates() const {
  std::string out;
  for (int64_t w : {int64_t{10000}, int64_t{60000}, int64_t{600000}}) {
    const double r = Rate(w);
    if (r >= 0) out += fmt::format("{}", r);
    if (w != 600000) out += ' ';
  }
  return out;
}

}  // namespace tern::broker
