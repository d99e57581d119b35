// subscription.h: a consumer's subscription to one topic (RocketMQ SubscriptionData), shared
// by the broker (which filters by tag code) and the client (which re-checks the real tag).
//
// The tag code set is always recomputed from the tags with Java's String.hashCode (Go sends
// codes computed over UTF-8 bytes; protocol.md pitfall 7), so the client's codeSet is ignored.
// Plain values, no shared state.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tern::protocol {

class JsonWriter;

inline constexpr std::string_view kSubAll = "*";

struct SubscriptionData {
  std::string topic;
  std::string sub_string = "*";
  std::vector<std::string> tags;  // empty for "*"
  std::set<int64_t> codes;        // Java hashCodes of `tags`
  int64_t sub_version = 0;
  std::string expression_type = "TAG";  // TAG or SQL92
  bool class_filter_mode = false;

  bool all() const { return tags.empty(); }
  bool operator==(const SubscriptionData& o) const {
    return topic == o.topic && sub_string == o.sub_string && expression_type == o.expression_type;
  }
};

// Builds a TAG subscription from an expression ("*", "", "TagA || TagB"). Tags are trimmed;
// empty ones dropped. SQL92 expressions are kept as they are, unchecked (the broker compiles
// them with engine/filter; TagMatches passes every message of an SQL92 subscription).
absl::StatusOr<SubscriptionData> BuildSubscription(std::string_view topic,
                                                   std::string_view expression,
                                                   std::string_view type, int64_t sub_version);

// True when a message with `tag` passes `sub` (the client-side check after the broker's
// tag-code filter).
bool TagMatches(const SubscriptionData& sub, std::string_view tag);

// Writes `sub` as Java's SubscriptionData JSON (heartbeats, ConsumerRunningInfo): fields in
// alphabetical order, tagsSet/codeSet from the parsed tags.
void WriteSubscriptionJson(JsonWriter& w, const SubscriptionData& sub);

}  // namespace tern::protocol
