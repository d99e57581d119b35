// topic_config.h: topics.json, the broker's topic table (Java
// TopicConfigManager).
//
//   {"dataVersion":{"counter":35,"timestamp":...},
//    "topicConfigTable":{"T":{"order":false,"perm":6,...},...}}
//
// Encode writes Java's byte layout (see fastjson.h). Java writes
// topicConfigTable in HashMap order, which cannot be reproduced; Encode writes
// it sorted by topic name (byte order), so the files differ from Java's only
// in entry order. Decode is as tolerant as Java's reader: unknown members are
// ignored, missing ones take the Java defaults below, numbers may be strings.
// A table entry that is not an object is an error (Java fails on it too).
//
// Plain value types; the functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/metadata/data_version.h"

namespace tern::engine::metadata {

// Java's TopicConfig. perm is a PermName bit set: 2 write, 4 read, 1 inherit,
// 8 priority.
struct TopicConfig {
  std::string topic_name;  // Java null when absent; "" here
  int32_t read_queue_nums = 16;
  int32_t write_queue_nums = 16;
  int32_t perm = 6;
  // TopicFilterType: SINGLE_TAG or MULTI_TAG.
  std::string topic_filter_type = "SINGLE_TAG";
  int32_t topic_sys_flag = 0;
  bool order = false;

  bool operator==(const TopicConfig&) const = default;
};

struct TopicConfigFile {
  DataVersion data_version;
  std::map<std::string, TopicConfig> topic_config_table;  // by topic name

  bool operator==(const TopicConfigFile&) const = default;

  std::string Encode() const;
  static absl::StatusOr<TopicConfigFile> Decode(std::string_view text);
};

}  // namespace tern::engine::metadata
