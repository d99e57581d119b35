// crc32.h: CRC-32 (IEEE, zlib-compatible) via libdeflate, and RocketMQ's masked BODYCRC.
//
// RocketMQ stores crc32(body) & 0x7FFFFFFF (protocol.md conventions). libdeflate_crc32 gives
// the same value as zlib's crc32() and is much faster on small inputs. Pure functions.
#pragma once

#include <cstdint>

#include "engine/base/bytes.h"

namespace tern {

// Standard CRC-32 of `data`, continuing from `crc` (0 to start).
uint32_t Crc32(ByteSpan data, uint32_t crc = 0);

// RocketMQ BODYCRC: CRC-32 with the sign bit cleared.
inline int32_t RocketMqCrc(ByteSpan data) {
  return static_cast<int32_t>(Crc32(data) & 0x7FFFFFFFu);
}

}  // namespace tern
