// subscription.h: the broker's tag filter built from a consumer's subscription
// (protocol/subscription.h). TagFilter is immutable and thread-safe.
#pragma once

#include <cstdint>
#include <set>

#include "engine/message_filter.h"
#include "server/protocol/subscription.h"

namespace tern::broker {

using protocol::BuildSubscription;
using protocol::kSubAll;
using protocol::SubscriptionData;

class TagFilter final : public engine::MessageFilter {
 public:
  explicit TagFilter(const SubscriptionData& sub) : all_(sub.all()), codes_(sub.codes) {}
  bool MatchByTagsCode(int64_t tags_code) const override {
    return all_ || codes_.count(tags_code) > 0;
  }

 private:
  bool all_;
  std::set<int64_t> codes_;
};

}  // namespace tern::broker
