// broker_stats.h: per-topic and per-group traffic counters with minute/hour/day windows, the
// data behind VIEW_BROKER_STATS_DATA (315), GET_CONSUME_STATS' consumeTps (208) and
// GET_BROKER_CONSUME_STATS (317) (Java's BrokerStatsManager and StatsItem).
//
// Items are named as Java names them: TOPIC_PUT_NUMS / TOPIC_PUT_SIZE keyed by topic,
// GROUP_GET_NUMS / GROUP_GET_SIZE keyed by "topic@group", BROKER_PUT_NUMS / BROKER_GET_NUMS keyed
// by the cluster name. Each item counts a value (messages or bytes) and "times" (calls). Sample()
// snapshots every item into three sliding windows as Java does: every 10 s keeping 7 (one
// minute), every 10 min keeping 7 (one hour), every hour keeping 25 (one day); the periods are
// options so tests can shorten them. Unlike Java, a window's figures run from its oldest
// snapshot to the live counters now, so a fresh broker reports traffic at once:
// sum = value now - value then, tps = sum per second over that span, avgpt = sum / times.
//
// Thread safety: all methods are thread-safe (one mutex; no I/O under it). Add() is called on
// I/O threads and the dispatch thread, Sample() on the broker's scheduler.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "engine/base/mutex.h"

namespace tern::broker {

namespace stats {
inline constexpr std::string_view kTopicPutNums = "TOPIC_PUT_NUMS";
inline constexpr std::string_view kTopicPutSize = "TOPIC_PUT_SIZE";
inline constexpr std::string_view kGroupGetNums = "GROUP_GET_NUMS";
inline constexpr std::string_view kGroupGetSize = "GROUP_GET_SIZE";
inline constexpr std::string_view kBrokerPutNums = "BROKER_PUT_NUMS";
inline constexpr std::string_view kBrokerGetNums = "BROKER_GET_NUMS";
}  // namespace stats

// One window's figures (Java's StatsSnapshot / BrokerStatsItem).
struct StatsFigures {
  int64_t sum = 0;
  double tps = 0;
  double avgpt = 0;
};

struct StatsWindows {
  StatsFigures minute;
  StatsFigures hour;
  StatsFigures day;
};

struct BrokerStatsOptions {
  int64_t minute_sample_ms = 10 * 1000;
  int64_t hour_sample_ms = 10 * 60 * 1000;
  int64_t day_sample_ms = 60 * 60 * 1000;
};

class BrokerStats {
 public:
  BrokerStats(std::string cluster_name, BrokerStatsOptions options = {})
      : cluster_(std::move(cluster_name)), options_(options) {}

  // One stored message of `topic` (`bytes` long).
  void OnPut(std::string_view topic, int64_t messages, int64_t bytes, int64_t now_ms);
  // One pull answered with `messages` messages for `group`.
  void OnGet(std::string_view topic, std::string_view group, int64_t messages, int64_t bytes,
             int64_t now_ms);
  // Raw access: adds `value` and one "time" to item (name, key).
  void Add(std::string_view name, std::string_view key, int64_t value, int64_t now_ms);

  // Takes the snapshots that are due at `now_ms` (call about once a second).
  void Sample(int64_t now_ms);

  // The item's windows at `now_ms`; nullopt when the item never counted anything.
  std::optional<StatsWindows> Get(std::string_view name, std::string_view key,
                                  int64_t now_ms) const;
  // Messages per second pulled by `group` from `topic` over the last minute (0 if none).
  double GroupGetTps(std::string_view topic, std::string_view group, int64_t now_ms) const;

 private:
  struct Point {
    int64_t ms = 0;
    int64_t value = 0;
    int64_t times = 0;
  };
  struct Item {
    int64_t value = 0;
    int64_t times = 0;
    Point created;
    std::deque<Point> minute;
    std::deque<Point> hour;
    std::deque<Point> day;
  };
  static std::string ItemKey(std::string_view name, std::string_view key);
  static StatsFigures Figures(const Item& item, const std::deque<Point>& window, size_t full,
                              int64_t now_ms);
  void AddLocked(std::string_view name, std::string_view key, int64_t value, int64_t now_ms)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string cluster_;
  const BrokerStatsOptions options_;
  mutable Mutex mu_;
  std::map<std::string, Item, std::less<>> items_ ABSL_GUARDED_BY(mu_);
  int64_t next_minute_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_hour_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_day_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tern::broker
