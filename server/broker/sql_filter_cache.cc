#include "server/broker/sql_filter_cache.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "engine/base/strings.h"
#include "engine/filter/sql_message_filter.h"
#include "engine/filter/sql_parser.h"

namespace tern::broker {

absl::StatusOr<std::shared_ptr<const engine::MessageFilter>> SqlFilterCache::Result(
    const Entry& e) {
  if (!e.status.ok()) return e.status;
  return e.filter;
}

absl::StatusOr<std::shared_ptr<const engine::MessageFilter>> SqlFilterCache::Get(
    std::string_view expression) {
  {
    MutexLock lock(&mu_);
    auto it = entries_.find(expression);
    if (it != entries_.end()) {
      it->second.last_use = ++clock_;
      return Result(it->second);
    }
  }
  // Compile outside the lock; a concurrent compilation of the same text is harmless.
  compilations_.fetch_add(1, std::memory_order_relaxed);
  Entry fresh;
  absl::StatusOr<filter::SqlExpression> parsed = filter::ParseSql(expression);
  if (parsed.ok()) {
    fresh.filter = std::make_shared<const filter::SqlMessageFilter>(
        std::make_shared<const filter::SqlExpression>(*std::move(parsed)));
  } else {
    fresh.status = parsed.status();
    spdlog::warn("SQL92 subscription rejected: {} (expression: {:.200})", MessageOf(fresh.status),
                 expression);
  }
  MutexLock lock(&mu_);
  auto [it, inserted] = entries_.try_emplace(std::string(expression), std::move(fresh));
  it->second.last_use = ++clock_;
  if (inserted && entries_.size() > capacity_) {
    auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.last_use < b.second.last_use; });
    // The one just inserted is the newest, never the oldest (capacity >= 1).
    entries_.erase(oldest);
  }
  return Result(it->second);
}

void SqlFilterCache::Prepare(const std::vector<protocol::SubscriptionData>& subs) {
  for (const protocol::SubscriptionData& s : subs) {
    if (s.expression_type == kExpressionTypeSql92) (void)Get(s.sub_string);
  }
}

size_t SqlFilterCache::size() const {
  MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace tern::broker
