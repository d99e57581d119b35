// topic_config_wrapper.h: the compact-JSON forms of DataVersion, TopicConfig and
// TopicConfigSerializeWrapper as they travel in bodies (protocol.md 2.3, 2.8):
//   DataVersion:  {"counter":12,"timestamp":1700000000000}   (QUERY_DATA_VERSION bodies)
//   TopicConfig:  {"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",
//                  "topicName":"T","topicSysFlag":0,"writeQueueNums":4}
//   Wrapper:      {"dataVersion":{...},"topicConfigTable":{"T":{...}}}
// The value types are engine/metadata's (the broker's topics.json uses the same beans, pretty
// printed). Decoding is tolerant: numbers as strings, topicFilterType by name or ordinal
// (0 SINGLE_TAG, 1 MULTI_TAG), unknown members ignored (5.x adds attributes, stateVersion,
// topicQueueMappingInfoMap), Java's defaults for missing members; a table entry without a
// topicName takes its key.
//
// Functions are pure and thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/metadata/data_version.h"
#include "engine/metadata/topic_config.h"
#include "rapidjson/document.h"
#include "server/protocol/json_writer.h"

namespace tern::protocol {

using engine::metadata::DataVersion;
using engine::metadata::TopicConfig;

std::string EncodeDataVersion(const DataVersion& version);
absl::StatusOr<DataVersion> DecodeDataVersion(std::string_view body);

void WriteDataVersion(const DataVersion& version, JsonWriter& w);
void WriteTopicConfig(const TopicConfig& config, JsonWriter& w);
absl::StatusOr<TopicConfig> ReadTopicConfig(const rapidjson::Value& value, std::string_view path);
// TopicFilterType by name or ordinal -> the canonical name.
absl::StatusOr<std::string> ReadTopicFilterType(const rapidjson::Value& value,
                                                std::string_view path);

struct TopicConfigSerializeWrapper {
  DataVersion data_version;
  std::map<std::string, TopicConfig> topic_config_table;  // by topic name

  bool operator==(const TopicConfigSerializeWrapper&) const = default;

  std::string Encode() const;
  static absl::StatusOr<TopicConfigSerializeWrapper> Decode(std::string_view body);
  // Writes/reads the wrapper as a nested object value.
  void Write(JsonWriter& w) const;
  static absl::StatusOr<TopicConfigSerializeWrapper> Read(const rapidjson::Value& value,
                                                          std::string_view path);
};

}  // namespace tern::protocol
