#include "engine/topic_name.h"

#include <algorithm>

namespace tern::engine {

bool IsValidTopicName(std::string_view topic) {
  if (topic.empty() || topic.size() > 127) return false;
  return std::all_of(topic.begin(), topic.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '%' || c == '|';
  });
}

}  // namespace tern::engine
