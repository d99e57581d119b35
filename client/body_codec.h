// body_codec.h: compression of message bodies as RocketMQ clients do it (protocol.md 4.4).
//
// The producer compresses bodies over compressMsgBodyOverHowmuch with zlib (sysflag 0x1; the
// type bits 8..10 stay 0, which every consumer reads as zlib). Consumers inflate according to
// the type bits Java >= 4.9.4 writes: 0 or 3 zlib (RFC 1950 stream), 1 LZ4 (LZ4 frame, as
// lz4-java's LZ4FrameOutputStream), 2 ZSTD (zstd frame). Output is capped (kMaxInflatedSize)
// so a hostile body cannot exhaust memory. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "engine/base/bytes.h"

namespace tern::client {

inline constexpr int32_t kSysFlagCompressed = 0x1;
inline constexpr int32_t kCompressionTypeShift = 8;
inline constexpr int32_t kCompressionTypeMask = 0x7 << kCompressionTypeShift;
inline constexpr size_t kMaxInflatedSize = size_t{64} << 20;

enum class Compression { kZlib = 0, kLz4 = 1, kZstd = 2, kZlibTyped = 3 };

absl::StatusOr<std::string> Deflate(ByteSpan in, int level);
// Inflates a body stored with `sys_flag` (which must have the compressed bit).
absl::StatusOr<std::string> Inflate(ByteSpan in, int32_t sys_flag);

}  // namespace tern::client
