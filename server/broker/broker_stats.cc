#include "server/broker/broker_stats.h"

#include <fmt/format.h>

namespace tern::broker {

namespace {
constexpr size_t kMinutePoints = 7;
constexpr size_t kHourPoints = 7;
constexpr size_t kDayPoints = 25;
}  // namespace

std::string BrokerStats::ItemKey(std::string_view name, std::string_view key) {
  return fmt::format("{}\x01{}", name, key);
}

void BrokerStats::AddLocked(std::string_view name, std::string_view key, int64_t value,
                            int64_t now_ms) {
  const std::string k = ItemKey(name, key);
  auto it = items_.find(k);
  if (it == items_.end()) {
    it = items_.emplace(k, Item{}).first;
    it->second.created = Point{now_ms, 0, 0};
  }
  it->second.value += value;
  it->second.times += 1;
}

void BrokerStats::Add(std::string_view name, std::string_view key, int64_t value, int64_t now_ms) {
  MutexLock lock(&mu_);
  AddLocked(name, key, value, now_ms);
}

void BrokerStats::OnPut(std::string_view topic, int64_t messages, int64_t bytes, int64_t now_ms) {
  MutexLock lock(&mu_);
  AddLocked(stats::kTopicPutNums, topic, messages, now_ms);
  AddLocked(stats::kTopicPutSize, topic, bytes, now_ms);
  AddLocked(stats::kBrokerPutNums, cluster_, messages, now_ms);
}

void BrokerStats::OnGet(std::string_view topic, std::string_view group, int64_t messages,
                        int64_t bytes, int64_t now_ms) {
  const std::string key = fmt::format("{}@{}", topic, group);
  MutexLock lock(&mu_);
  AddLocked(stats::kGroupGetNums, key, messages, now_ms);
  AddLocked(stats::kGroupGetSize, key, bytes, now_ms);
  AddLocked(stats::kBrokerGetNums, cluster_, messages, now_ms);
}

void BrokerStats::Sample(int64_t now_ms) {
  MutexLock lock(&mu_);
  auto take = [&](int64_t& next, int64_t period, size_t keep, std::deque<Point> Item::*list) {
    if (now_ms < next) return;
    next = now_ms + period;
    for (auto& [k, item] : items_) {
      auto& l = item.*list;
      l.push_back(Point{now_ms, item.value, item.times});
      while (l.size() > keep) l.pop_front();
    }
  };
  take(next_minute_, options_.minute_sample_ms, kMinutePoints, &Item::minute);
  take(next_hour_, options_.hour_sample_ms, kHourPoints, &Item::hour);
  take(next_day_, options_.day_sample_ms, kDayPoints, &Item::day);
}

StatsFigures BrokerStats::Figures(const Item& item, const std::deque<Point>& window, size_t full,
                                  int64_t now_ms) {
  // A window that is not full yet reaches back to the item's creation (value 0).
  const Point& first = window.size() < full ? item.created : window.front();
  StatsFigures f;
  f.sum = item.value - first.value;
  const int64_t span = now_ms - first.ms;
  if (span > 0) f.tps = static_cast<double>(f.sum) * 1000.0 / static_cast<double>(span);
  const int64_t times = item.times - first.times;
  if (times > 0) f.avgpt = static_cast<double>(f.sum) / static_cast<double>(times);
  return f;
}

std::optional<StatsWindows> BrokerStats::Get(std::string_view name, std::string_view key,
                                             int64_t now_ms) const {
  MutexLock lock(&mu_);
  auto it = items_.find(ItemKey(name, key));
  if (it == items_.end()) return std::nullopt;
  const Item& item = it->second;
  StatsWindows w;
  w.minute = Figures(item, item.minute, kMinutePoints, now_ms);
  w.hour = Figures(item, item.hour, kHourPoints, now_ms);
  w.day = Figures(item, item.day, kDayPoints, now_ms);
  return w;
}

double BrokerStats::GroupGetTps(std::string_view topic, std::string_view group,
                                int64_t now_ms) const {
  std::optional<StatsWindows> w =
      Get(stats::kGroupGetNums, fmt::format("{}@{}", topic, group), now_ms);
  return w ? w->minute.tps : 0;
}

}  // namespace tern::broker
