// delay_offset.h: delayOffset.json, progress of the scheduled-message (delay
// level) queues (Java ScheduleMessageService).
//
//   {"offsetTable":{1:3,2:3,3:0\n\t}}
//
// Keys are delay levels (1-based; queue id = level - 1), written unquoted by
// fastjson. Java writes levels ascending, and so does Encode: the output is
// byte-identical to Java's. Decode accepts quoted or bare levels and offsets
// given as strings; unknown members are ignored.
//
// Plain value type; the functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern::engine::metadata {

struct DelayOffsetFile {
  // Delay level -> next offset to deliver.
  std::map<int32_t, int64_t> offset_table;

  bool operator==(const DelayOffsetFile&) const = default;

  std::string Encode() const;
  static absl::StatusOr<DelayOffsetFile> Decode(std::string_view text);
};

}  // namespace tern::engine::metadata
