// topic_name.h: RocketMQ's rule for topic names, shared by the store (a topic becomes a directory
// name), the broker and the client. Stateless; thread-safe.
#pragma once

#include <string_view>

namespace tern::engine {

// RocketMQ's valid topic characters (^[%|a-zA-Z0-9_-]+$, at most 127): anything else must
// never become a directory name.
bool IsValidTopicName(std::string_view topic);

}  // namespace tern::engine
