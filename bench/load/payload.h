// payload.h: the self-checking message body `tern bench produce` sends and `tern bench
// consume` verifies.
//
//   offset  size  field
//        0     4  magic 'TRNB' (0x54524E42), big-endian
//        4     4  producer id: one per sending lane (connection x thread) of one run
//        8     8  sequence: 0, 1, 2, ... per producer id
//       16     8  checksum: XXH3-64 of bytes [24, size) seeded with Seed(producer id, sequence)
//       24     -  filler: a fixed byte pattern, rotated by the sequence
//
// The checksum covers the filler and, through its seed, the producer id and sequence, so a
// body that was cut, shifted, mixed with another or bit-flipped fails; the (producer id,
// sequence) pair lets the consumer find duplicates and gaps. Pure functions, thread-safe;
// they allocate nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/base/bytes.h"

namespace tern::load {

inline constexpr uint32_t kPayloadMagic = 0x54524E42;  // "TRNB"
inline constexpr size_t kPayloadHeaderSize = 24;

// Writes a payload filling all of `out` (out.size() >= kPayloadHeaderSize).
void WritePayload(uint32_t producer_id, uint64_t sequence, MutableByteSpan out);

enum class PayloadCheck {
  kOk,
  kForeign,           // too short or no magic: not a bench payload
  kChecksumMismatch,  // a bench payload whose bytes changed
};

struct PayloadId {
  uint32_t producer_id = 0;
  uint64_t sequence = 0;
};

// Checks `body`; fills `*id` when it has the magic (kOk or kChecksumMismatch).
PayloadCheck CheckPayload(ByteSpan body, PayloadId* id);

}  // namespace tern::load
