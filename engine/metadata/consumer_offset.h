// consumer_offset.h: consumerOffset.json, committed consume progress (Java
// ConsumerOffsetManager).
//
//   {"offsetTable":{"TopicA@GroupA":{0:32,1:8,2:0,3:-1\n\t\t},...}}
//
// Keys are "topic@group" (Java's TOPIC_GROUP_SEPARATOR), kept verbatim; inner
// keys are queue ids, written unquoted by fastjson; offsets may be negative
// (-1: nothing committed). Encode writes Java's byte layout with entries
// sorted by key (Java writes its HashMap order; its queue ids come out
// ascending too). Decode ignores unknown members and accepts quoted or bare
// queue ids and offsets given as strings.
//
// Plain value type; the functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern::engine::metadata {

struct ConsumerOffsetFile {
  // "topic@group" -> queue id -> next offset to consume.
  std::map<std::string, std::map<int32_t, int64_t>> offset_table;

  bool operator==(const ConsumerOffsetFile&) const = default;

  // The offset_table key for a topic and a consumer group.
  static std::string Key(std::string_view topic, std::string_view group);

  std::string Encode() const;
  static absl::StatusOr<ConsumerOffsetFile> Decode(std::string_view text);
};

}  // namespace tern::engine::metadata
