// sql_filter_cache.h: compiled SQL92 subscriptions, by expression text (RocketMQ's
// ConsumerFilterManager and the parser's cache, folded into one).
//
// A heartbeat compiles each SQL92 subscription it carries the first time its text is seen;
// pulls (with the SUBSCRIPTION bit or from the group's heartbeat state) and CHECK_CLIENT_CONFIG
// look the text up, so an expression is parsed once, not per pull and never per message. A
// text that does not parse is remembered with its error (and logged once). The cache is
// bounded: past `capacity` texts the least recently used one is dropped and compiled again
// if it comes back.
//
// Thread safety: all methods are thread-safe; compilation runs outside the lock. Returned
// filters are immutable and shared; they stay valid after eviction.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/base/mutex.h"
#include "engine/message_filter.h"
#include "server/protocol/subscription.h"

namespace tern::broker {

inline constexpr std::string_view kExpressionTypeSql92 = "SQL92";

class SqlFilterCache {
 public:
  explicit SqlFilterCache(size_t capacity = 1024) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The store filter for `expression`, or InvalidArgument naming where it does not parse.
  absl::StatusOr<std::shared_ptr<const engine::MessageFilter>> Get(std::string_view expression);

  // Compiles the SQL92 ones among `subs` (heartbeats), so pulls find them ready.
  void Prepare(const std::vector<protocol::SubscriptionData>& subs);

  size_t size() const;
  // Times an expression was parsed (tests check that repeats are not).
  int64_t compilations() const { return compilations_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    absl::Status status;  // OK when `filter` is set
    std::shared_ptr<const engine::MessageFilter> filter;
    uint64_t last_use = 0;
  };
  static absl::StatusOr<std::shared_ptr<const engine::MessageFilter>> Result(const Entry& e);

  const size_t capacity_;
  mutable Mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t clock_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int64_t> compilations_{0};
};

}  // namespace tern::broker
