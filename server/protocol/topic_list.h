// topic_list.h: TopicList, the body of GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206),
// GET_TOPICS_BY_CLUSTER (224) and GET_SYSTEM_TOPIC_LIST_FROM_NS (304) (protocol.md 2.3, 2.8):
//   {"brokerAddr":"10.0.0.1:10911","topicList":["TopicTest","TBW102"]}
// `brokerAddr` is omitted when unset. Java's topicList is a HashSet (order meaningless);
// Encode keeps the given order. Plain value type; functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tern::protocol {

struct TopicList {
  std::vector<std::string> topic_list;
  std::optional<std::string> broker_addr;

  bool operator==(const TopicList&) const = default;

  std::string Encode() const;
  static absl::StatusOr<TopicList> Decode(std::string_view body);
};

}  // namespace tern::protocol
