// bytes.h: byte spans and big-endian load/store helpers.
//
// RocketMQ's wire and disk formats are big-endian. These helpers read and write unaligned
// integers with memcpy (compiled to a single load plus bswap). They do no bounds checking:
// callers check lengths first (decoders compare against the span size before reading).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace tern {

using ByteSpan = std::span<const uint8_t>;
using MutableByteSpan = std::span<uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline uint16_t LoadBE16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap16(v);
}
inline uint32_t LoadBE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap32(v);
}
inline uint64_t LoadBE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
}
inline int16_t LoadBEI16(const uint8_t* p) { return static_cast<int16_t>(LoadBE16(p)); }
inline int32_t LoadBEI32(const uint8_t* p) { return static_cast<int32_t>(LoadBE32(p)); }
inline int64_t LoadBEI64(const uint8_t* p) { return static_cast<int64_t>(LoadBE64(p)); }

inline void StoreBE16(uint8_t* p, uint16_t v) {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, sizeof v);
}
inline void StoreBE32(uint8_t* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof v);
}
inline void StoreBE64(uint8_t* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof v);
}

}  // namespace tern
