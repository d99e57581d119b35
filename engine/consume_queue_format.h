// consume_queue_format.h: the 20-byte ConsumeQueue unit (protocol.md 5.1) and its codec.
//
//   +0  physical offset   int64  CommitLog offset of the message
//   +8  size              int32  the record's TOTALSIZE
//   +12 tags code         int64  Java hashCode of TAGS (0 = no tag); for SCHEDULE_TOPIC_XXXX
//                                the delivery time in ms
//
// Unit k of a queue lives at byte k * 20 of the queue's logical space; files hold
// `units_per_file` units and are named by their starting byte offset. A unit of all zeros is
// unused space. A filler unit (0, INT32_MAX, 0) stands for a queue offset with no message
// (before the first real unit of a rebuilt queue, or a gap left by a record that was
// quarantined as corrupt); readers skip it.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/java_hash.h"

namespace tern::engine {

inline constexpr size_t kCqUnitSize = 20;
inline constexpr size_t kDefaultCqUnitsPerFile = 300000;

struct CqUnit {
  int64_t physical_offset = 0;
  int32_t size = 0;
  int64_t tags_code = 0;

  static CqUnit Filler() { return {0, std::numeric_limits<int32_t>::max(), 0}; }
  bool is_filler() const {
    return physical_offset == 0 && size == std::numeric_limits<int32_t>::max() && tags_code == 0;
  }
  // RocketMQ's validity rule for recovery: zero-filled space fails it.
  bool is_valid() const { return physical_offset >= 0 && size > 0; }
  bool operator==(const CqUnit&) const = default;
};

inline void EncodeCqUnit(const CqUnit& u, uint8_t* out) {
  StoreBE64(out, static_cast<uint64_t>(u.physical_offset));
  StoreBE32(out + 8, static_cast<uint32_t>(u.size));
  StoreBE64(out + 12, static_cast<uint64_t>(u.tags_code));
}

inline CqUnit DecodeCqUnit(const uint8_t* in) {
  return {LoadBEI64(in), LoadBEI32(in + 8), LoadBEI64(in + 12)};
}

// ConsumeQueue tagsCode of a TAGS value: Java String.hashCode, sign-extended; 0 when empty.
inline int64_t TagsCodeOf(std::string_view tag) {
  return tag.empty() ? 0 : static_cast<int64_t>(JavaStringHashCode(tag));
}

}  // namespace tern::engine
