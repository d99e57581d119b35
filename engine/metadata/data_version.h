// data_version.h: DataVersion, the change stamp in topics.json and
// subscriptionGroup.json.
//
// Java's org.apache.rocketmq.common.DataVersion: a timestamp (ms) and a
// counter bumped on every change, compared by name servers and slaves to
// detect new metadata. Written as the bean {"counter":N,"timestamp":T}
// (fastjson writes bean fields sorted by name).
//
// Plain value type; the functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/metadata/fastjson.h"
#include "rapidjson/document.h"

namespace tern::engine::metadata {

struct DataVersion {
  // Java initialises this to the current time when a file carries no
  // dataVersion; Decode leaves 0 (pure functions take no clock). The broker
  // stamps a new version on its next change anyway.
  int64_t timestamp = 0;
  int64_t counter = 0;

  bool operator==(const DataVersion&) const = default;
};

// Writes `version` as an object value at the writer's current position.
void WriteDataVersion(const DataVersion& version, FastjsonWriter& w);

// Reads an object node; missing members keep their defaults.
absl::StatusOr<DataVersion> ReadDataVersion(const rapidjson::Value& value, std::string_view path);

}  // namespace tern::engine::metadata
