#include "server/remoting/frame.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

#include "engine/base/status.h"

namespace tern::remoting {

absl::StatusOr<SerializeType> SerializeTypeFromByte(uint8_t type) {
  switch (type) {
    case 0:
      return SerializeType::kJson;
    case 1:
      return SerializeType::kRocketMq;
    default:
      return absl::InvalidArgumentError(fmt::format("unknown serialize type {}", type));
  }
}

absl::StatusOr<SplitResult> SplitFrame(ByteSpan buffer, const FrameLimits& limits) {
  SplitResult result;
  if (buffer.size() < 4) {
    result.bytes_needed = kFramePrefixSize;
    return result;
  }
  // Read as unsigned: a negative Java int is a length above any limit.
  const uint32_t frame_length = LoadBE32(buffer.data());
  if (frame_length < 4) {
    return absl::InvalidArgumentError(
        fmt::format("frame length {} is shorter than the 4-byte header word", frame_length));
  }
  if (frame_length > limits.max_frame_length) {
    return absl::InvalidArgumentError(fmt::format("frame length {} exceeds the limit of {} bytes",
                                                  frame_length, limits.max_frame_length));
  }
  const size_t frame_size = size_t{4} + frame_length;
  if (buffer.size() < kFramePrefixSize) {
    result.bytes_needed = kFramePrefixSize;
    return result;
  }
  const uint32_t word = LoadBE32(buffer.data() + 4);
  TERN_ASSIGN_OR_RETURN(const SerializeType type, SerializeTypeFromByte(word >> 24));
  const uint32_t header_length = word & kMaxHeaderLength;
  if (header_length > frame_length - 4) {
    return absl::InvalidArgumentError(fmt::format(
        "header length {} exceeds the frame length {} minus 4", header_length, frame_length));
  }
  if (buffer.size() < frame_size) {
    result.bytes_needed = frame_size;
    return result;
  }
  result.kind = SplitResult::Kind::kFrame;
  result.frame.serialize_type = type;
  result.frame.header = buffer.subspan(kFramePrefixSize, header_length);
  result.frame.body =
      buffer.subspan(kFramePrefixSize + header_length, frame_length - 4 - header_length);
  result.frame.size = frame_size;
  return result;
}

absl::Status AppendFramePrefix(SerializeType type, size_t header_size, size_t body_size,
                               std::string& out) {
  if (header_size > kMaxHeaderLength) {
    return absl::InvalidArgumentError(
        fmt::format("header of {} bytes exceeds the 24-bit header length", header_size));
  }
  constexpr size_t kMaxInt = std::numeric_limits<int32_t>::max();
  if (body_size > kMaxInt - 4 - header_size) {
    return absl::InvalidArgumentError(
        fmt::format("frame of {} header and {} body bytes exceeds the 2 GiB frame length",
                    header_size, body_size));
  }
  uint8_t prefix[kFramePrefixSize];
  StoreBE32(prefix, static_cast<uint32_t>(4 + header_size + body_size));
  StoreBE32(prefix + 4, (static_cast<uint32_t>(type) << 24) | static_cast<uint32_t>(header_size));
  out.append(reinterpret_cast<const char*>(prefix), sizeof prefix);
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeFrame(SerializeType type, std::string_view header,
                                        size_t body_size) {
  std::string out;
  out.reserve(kFramePrefixSize + header.size());
  TERN_RETURN_IF_ERROR(AppendFramePrefix(type, header.size(), body_size, out));
  out.append(header);
  return out;
}

absl::StatusOr<std::string> EncodeFrameWithBody(SerializeType type, std::string_view header,
                                                std::string_view body) {
  std::string out;
  TERN_RETURN_IF_ERROR(AppendFramePrefix(type, header.size(), body.size(), out));
  out.reserve(kFramePrefixSize + header.size() + body.size());
  out.append(header);
  out.append(body);
  return out;
}

// ---- FrameDecoder ----

absl::StatusOr<SplitResult> FrameDecoder::SplitPending() {
  const ByteSpan pending(buffer_.data() + consumed_, buffer_.size() - consumed_);
  absl::StatusOr<SplitResult> split = SplitFrame(pending, limits_);
  if (!split.ok()) {
    error_ = split.status();
  } else {
    needed_ = split->complete() ? 0 : split->bytes_needed;
  }
  return split;
}

absl::Status FrameDecoder::Feed(ByteSpan bytes) {
  if (!error_.ok()) return error_;
  if (consumed_ > 0) {
    // Drop the frames already handed out (their views become invalid, as documented).
    const size_t rest = buffer_.size() - consumed_;
    if (rest > 0) std::memmove(buffer_.data(), buffer_.data() + consumed_, rest);
    buffer_.resize(rest);
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  // Validate the next frame's prefix now, so a bad stream fails before its bytes pile up.
  const absl::StatusOr<SplitResult> split = SplitPending();
  if (!split.ok()) {
    buffer_.clear();
    buffer_.shrink_to_fit();
    return split.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<FrameView>> FrameDecoder::Next() {
  if (!error_.ok()) return error_;
  TERN_ASSIGN_OR_RETURN(const SplitResult split, SplitPending());
  if (!split.complete()) return std::nullopt;
  consumed_ += split.frame.size;
  needed_ = kFramePrefixSize;  // unknown until the next call looks at the following frame
  return split.frame;
}

}  // namespace tern::remoting
