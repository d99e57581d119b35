// frame.h: splitting a byte stream into RocketMQ remoting frames, and writing frame prefixes
// (protocol.md 1.2).
//
//   offset 0  4 bytes  frameLength L = 4 + H + B (excludes these 4 bytes)
//          4  1 byte   serializeType (0 JSON, 1 ROCKETMQ) - top byte of the "header word"
//          5  3 bytes  header length H
//          8  H bytes  header
//        8+H  B bytes  body
//
// SplitFrame looks at the front of a buffer and returns one of three outcomes: a complete
// frame (views into the buffer), "need more bytes" (not an error), or an error Status for a
// stream that can never become valid (L < 4, L > the limit, H > L - 4, unknown serialize
// type). The checks run as soon as the 4 (resp. 8) bytes they need are present, before any
// byte of the frame's header or body has arrived, and nothing is allocated: a peer declaring
// a 2 GiB frame is rejected after 4 bytes. After an error the connection must be closed.
//
// FrameDecoder is the incremental form: it owns a buffer of received bytes and hands out the
// frames in it. Its memory grows with the bytes actually received, never with a declared
// length.
//
// Thread safety: the free functions are pure; a FrameDecoder belongs to one thread.
// Lifetimes: FrameView spans point into the caller's buffer (SplitFrame) or the decoder's
// buffer (valid until the next FrameDecoder::Feed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/bytes.h"
#include "server/remoting/command.h"

namespace tern::remoting {

// Java's NettyDecoder default (com.rocketmq.remoting.frameMaxLength).
inline constexpr uint32_t kDefaultMaxFrameLength = 16 * 1024 * 1024;
// The 4-byte frame length plus the 4-byte header word.
inline constexpr size_t kFramePrefixSize = 8;
// H is a 24-bit field.
inline constexpr uint32_t kMaxHeaderLength = 0xFFFFFF;

struct FrameLimits {
  // Largest accepted frameLength L (the 4-byte prefix itself not included), as in Java.
  uint32_t max_frame_length = kDefaultMaxFrameLength;
};

// One complete frame at the front of a buffer.
struct FrameView {
  SerializeType serialize_type = SerializeType::kJson;
  ByteSpan header;
  ByteSpan body;
  // Bytes the frame occupies in the buffer, the 4-byte length included (= 4 + L).
  size_t size = 0;
};

struct SplitResult {
  enum class Kind : uint8_t { kFrame, kNeedMore };
  Kind kind = Kind::kNeedMore;
  // Valid when kind == kFrame.
  FrameView frame;
  // When kind == kNeedMore: the buffer must hold at least this many bytes before the next
  // call can make progress (8 until the prefix is known, then the whole frame's size).
  size_t bytes_needed = 0;

  bool complete() const { return kind == Kind::kFrame; }
};

// Examines the front of `buffer`. Errors are InvalidArgument naming the bad field.
absl::StatusOr<SplitResult> SplitFrame(ByteSpan buffer, const FrameLimits& limits = {});

// Checks a header word's serialize type; InvalidArgument for anything but 0 and 1.
absl::StatusOr<SerializeType> SerializeTypeFromByte(uint8_t type);

// Appends the 8-byte prefix of a frame whose header is `header_size` bytes and body
// `body_size` bytes: frameLength = 4 + H + B and header word (type << 24) | H. Fails when
// H > 0xFFFFFF or the frame length does not fit in a Java int.
absl::Status AppendFramePrefix(SerializeType type, size_t header_size, size_t body_size,
                               std::string& out);

// Prefix + header, ready for a body of `body_size` bytes the caller writes separately.
absl::StatusOr<std::string> EncodeFrame(SerializeType type, std::string_view header,
                                        size_t body_size);
// Prefix + header + body in one owned buffer.
absl::StatusOr<std::string> EncodeFrameWithBody(SerializeType type, std::string_view header,
                                                std::string_view body);

class FrameDecoder {
 public:
  explicit FrameDecoder(FrameLimits limits = {}) : limits_(limits) {}
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // Appends received bytes and validates the prefix of the next frame as far as it is
  // present. Invalidates FrameViews returned earlier. Once an error is returned the decoder
  // stays failed (every later call returns the same error).
  absl::Status Feed(ByteSpan bytes);

  // The next complete frame, std::nullopt when more bytes are needed, or the stream's error.
  // The frame's spans stay valid until the next Feed().
  absl::StatusOr<std::optional<FrameView>> Next();

  // Received bytes not yet returned as frames.
  size_t buffered() const { return buffer_.size() - consumed_; }
  // What the last Feed()/Next() learnt: buffered() must reach this before Next() can return
  // another frame (0 when it can now; kFramePrefixSize while the next prefix is unknown).
  size_t bytes_needed() const { return needed_; }

 private:
  // SplitFrame over the unconsumed bytes; records an error in error_.
  absl::StatusOr<SplitResult> SplitPending();

  FrameLimits limits_;
  std::vector<uint8_t> buffer_;
  size_t consumed_ = 0;  // bytes at the front of buffer_ already returned as frames
  size_t needed_ = kFramePrefixSize;
  absl::Status error_;
};

}  // namespace tern::remoting
