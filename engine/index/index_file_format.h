// index_file_format.h: RocketMQ 4.x IndexFile layout (the message key index),
// constants and the codecs of its header and entries. Pure functions over
// caller-owned bytes; thread-agnostic.
//
// One file = header, hash slots, entries; every integer big-endian:
//
//   +0                                   header (40 bytes)
//   +40                                  hashSlotNum slots  x 4 bytes
//   +40 + hashSlotNum*4                  indexNum entries   x 20 bytes
//   size = 40 + hashSlotNum*4 + indexNum*20   (defaults 5,000,000 / 20,000,000:
//   420,000,040)
//
// Header:
//   +0  int64 beginTimestamp   store time of the first indexed message
//   +8  int64 endTimestamp     store time of the last indexed message
//   +16 int64 beginPhyOffset   CommitLog offset of the first indexed message
//   +24 int64 endPhyOffset     CommitLog offset of the last indexed message
//   +32 int32 hashSlotCount    slots ever taken (empty -> used transitions)
//   +36 int32 indexCount       next entry number; starts at 1, entry #0 is
//   never used
//                              (a file Java created and never flushed holds 0:
//                              read as 1)
//
// Slot s (4 bytes at 40 + s*4): number of the newest entry whose keyHash %
// hashSlotNum == s, 0 = empty. Values <= 0 or > indexCount are treated as
// empty.
//
// Entry e (20 bytes at 40 + hashSlotNum*4 + e*20):
//   +0  int32 keyHash          |JavaHashCode("topic#key")|, with |INT_MIN|
//   taken as 0 +4  int64 phyOffset        CommitLog offset of the message +12
//   int32 timeDiff         (storeTimestamp - beginTimestamp) / 1000, in
//   SECONDS, clamped
//                              to [0, INT_MAX]; 0 when beginTimestamp <= 0 at
//                              put time
//   +16 int32 prevIndex        previous (older) entry of the same slot, 0 = end
//   of chain
//
// An entry's time as seen by queries is beginTimestamp + timeDiff * 1000
// (second precision). A quirk kept from Java: timeDiff of a file's first entry
// is computed against the header's beginTimestamp *before* the first put
// overwrites it. In a file rolled from a full one the header starts with the
// previous file's endTimestamp, so that first entry may carry a non-zero
// timeDiff relative to a beginTimestamp that is then replaced by its own store
// time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/java_hash.h"

namespace tern::engine {

inline constexpr size_t kIndexHeaderSize = 40;
inline constexpr size_t kIndexHashSlotSize = 4;
inline constexpr size_t kIndexEntrySize = 20;

inline constexpr size_t kIndexBeginTimestampPos = 0;
inline constexpr size_t kIndexEndTimestampPos = 8;
inline constexpr size_t kIndexBeginPhyOffsetPos = 16;
inline constexpr size_t kIndexEndPhyOffsetPos = 24;
inline constexpr size_t kIndexHashSlotCountPos = 32;
inline constexpr size_t kIndexIndexCountPos = 36;

inline constexpr size_t kIndexEntryKeyHashPos = 0;
inline constexpr size_t kIndexEntryPhyOffsetPos = 4;
inline constexpr size_t kIndexEntryTimeDiffPos = 12;
inline constexpr size_t kIndexEntryPrevPos = 16;

// Entry number 0: "no entry" in slots and prev links.
inline constexpr int32_t kInvalidIndex = 0;

inline constexpr int32_t kDefaultHashSlotNum = 5'000'000;
inline constexpr int32_t kDefaultIndexNum = 20'000'000;
// MessageStoreConfig.maxMsgsNumBatch: the most offsets one query returns.
inline constexpr int32_t kDefaultMaxQueryResults = 64;
// IndexService.buildKey: topic + "#" + key.
inline constexpr char kIndexKeySeparator = '#';

inline constexpr size_t IndexFileSize(int32_t hash_slot_num, int32_t index_num) {
  return kIndexHeaderSize + static_cast<size_t>(hash_slot_num) * kIndexHashSlotSize +
         static_cast<size_t>(index_num) * kIndexEntrySize;
}
inline constexpr size_t IndexSlotPos(int32_t slot) {
  return kIndexHeaderSize + static_cast<size_t>(slot) * kIndexHashSlotSize;
}
inline constexpr size_t IndexEntryPos(int32_t hash_slot_num, int32_t entry) {
  return kIndexHeaderSize + static_cast<size_t>(hash_slot_num) * kIndexHashSlotSize +
         static_cast<size_t>(entry) * kIndexEntrySize;
}

// IndexFile.indexKeyHashMethod: Math.abs(key.hashCode()), and 0 for
// Integer.MIN_VALUE.
inline int32_t IndexKeyHash(std::string_view key) {
  const int32_t h = JavaStringHashCode(key);
  if (h == std::numeric_limits<int32_t>::min()) return 0;
  return h < 0 ? -h : h;
}

struct IndexHeader {
  int64_t begin_timestamp = 0;
  int64_t end_timestamp = 0;
  int64_t begin_phy_offset = 0;
  int64_t end_phy_offset = 0;
  int32_t hash_slot_count = 0;
  int32_t index_count = 1;

  // IndexFile.isTimeMatched: [begin, end] overlaps [begin_timestamp,
  // end_timestamp].
  bool TimeOverlaps(int64_t begin, int64_t end) const {
    return (begin < begin_timestamp && end > end_timestamp) ||
           (begin >= begin_timestamp && begin <= end_timestamp) ||
           (end >= begin_timestamp && end <= end_timestamp);
  }
  bool operator==(const IndexHeader&) const = default;
};

inline void EncodeIndexHeader(const IndexHeader& h, uint8_t* out) {
  StoreBE64(out + kIndexBeginTimestampPos, static_cast<uint64_t>(h.begin_timestamp));
  StoreBE64(out + kIndexEndTimestampPos, static_cast<uint64_t>(h.end_timestamp));
  StoreBE64(out + kIndexBeginPhyOffsetPos, static_cast<uint64_t>(h.begin_phy_offset));
  StoreBE64(out + kIndexEndPhyOffsetPos, static_cast<uint64_t>(h.end_phy_offset));
  StoreBE32(out + kIndexHashSlotCountPos, static_cast<uint32_t>(h.hash_slot_count));
  StoreBE32(out + kIndexIndexCountPos, static_cast<uint32_t>(h.index_count));
}

// Decodes the bytes as stored (an index count of 0 stays 0 here; IndexFile
// reads it as 1).
inline IndexHeader DecodeIndexHeader(const uint8_t* in) {
  return {LoadBEI64(in + kIndexBeginTimestampPos), LoadBEI64(in + kIndexEndTimestampPos),
          LoadBEI64(in + kIndexBeginPhyOffsetPos), LoadBEI64(in + kIndexEndPhyOffsetPos),
          LoadBEI32(in + kIndexHashSlotCountPos),  LoadBEI32(in + kIndexIndexCountPos)};
}

struct IndexEntry {
  int32_t key_hash = 0;
  int64_t phy_offset = 0;
  int32_t time_diff = 0;
  int32_t prev_index = 0;
  bool operator==(const IndexEntry&) const = default;
};

inline void EncodeIndexEntry(const IndexEntry& e, uint8_t* out) {
  StoreBE32(out + kIndexEntryKeyHashPos, static_cast<uint32_t>(e.key_hash));
  StoreBE64(out + kIndexEntryPhyOffsetPos, static_cast<uint64_t>(e.phy_offset));
  StoreBE32(out + kIndexEntryTimeDiffPos, static_cast<uint32_t>(e.time_diff));
  StoreBE32(out + kIndexEntryPrevPos, static_cast<uint32_t>(e.prev_index));
}

inline IndexEntry DecodeIndexEntry(const uint8_t* in) {
  return {LoadBEI32(in + kIndexEntryKeyHashPos), LoadBEI64(in + kIndexEntryPhyOffsetPos),
          LoadBEI32(in + kIndexEntryTimeDiffPos), LoadBEI32(in + kIndexEntryPrevPos)};
}

}  // namespace tern::engine
