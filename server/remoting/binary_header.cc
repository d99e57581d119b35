#include "server/remoting/binary_header.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <string_view>

#include "engine/base/status.h"

namespace tern::remoting {
namespace {

// Bounds-checked big-endian reader over the header bytes.
class Reader {
 public:
  explicit Reader(ByteSpan bytes) : bytes_(bytes) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  absl::Status Need(size_t n, std::string_view what) const {
    if (n > remaining()) {
      return absl::InvalidArgumentError(
          fmt::format("binary header truncated: {} needs {} bytes at offset {}, {} left", what, n,
                      pos_, remaining()));
    }
    return absl::OkStatus();
  }
  uint8_t U8() { return bytes_[pos_++]; }
  int16_t I16() {
    const int16_t v = LoadBEI16(bytes_.data() + pos_);
    pos_ += 2;
    return v;
  }
  int32_t I32() {
    const int32_t v = LoadBEI32(bytes_.data() + pos_);
    pos_ += 4;
    return v;
  }
  std::string_view Chars(size_t n) {
    const std::string_view v = AsChars(bytes_.subspan(pos_, n));
    pos_ += n;
    return v;
  }

  // A length field: non-negative and no larger than `limit` bytes left.
  absl::StatusOr<size_t> Length(int32_t declared, size_t limit, std::string_view what) const {
    if (declared < 0) {
      return absl::InvalidArgumentError(
          fmt::format("binary header: {} is negative ({})", what, declared));
    }
    if (static_cast<size_t>(declared) > limit) {
      return absl::InvalidArgumentError(
          fmt::format("binary header: {} {} at offset {} exceeds the {} bytes left", what, declared,
                      pos_, limit));
    }
    return static_cast<size_t>(declared);
  }

 private:
  ByteSpan bytes_;
  size_t pos_ = 0;
};

absl::Status DecodeExtFields(Reader& r, size_t end, ExtFields& out) {
  while (r.pos() < end) {
    if (end - r.pos() < 2) {
      return absl::InvalidArgumentError(
          fmt::format("binary header truncated: extFields key length at offset {} runs past "
                      "the extFields region",
                      r.pos()));
    }
    const int16_t key_declared = r.I16();
    TERN_ASSIGN_OR_RETURN(const size_t key_len,
                          r.Length(key_declared, end - r.pos(), "extFields key length"));
    const std::string_view key = r.Chars(key_len);
    if (end - r.pos() < 4) {
      return absl::InvalidArgumentError(
          fmt::format("binary header truncated: extFields value length at offset {} runs past "
                      "the extFields region",
                      r.pos()));
    }
    const int32_t value_declared = r.I32();
    TERN_ASSIGN_OR_RETURN(const size_t value_len,
                          r.Length(value_declared, end - r.pos(), "extFields value length"));
    const std::string_view value = r.Chars(value_len);
    // Zero-length strings read as null (Java 4.9.8); a null key or value is no entry.
    if (!key.empty() && !value.empty()) out.Set(key, std::string(value));
  }
  return absl::OkStatus();
}

bool FitsShort(int32_t v) {
  return v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max();
}

void PutBE16(uint16_t v, std::string& out) {
  uint8_t b[2];
  StoreBE16(b, v);
  out.append(reinterpret_cast<const char*>(b), 2);
}
void PutBE32(uint32_t v, std::string& out) {
  uint8_t b[4];
  StoreBE32(b, v);
  out.append(reinterpret_cast<const char*>(b), 4);
}

}  // namespace

absl::StatusOr<RemotingCommand> DecodeBinaryHeader(ByteSpan header) {
  Reader r(header);
  TERN_RETURN_IF_ERROR(r.Need(kBinaryHeaderMinSize, "the fixed fields"));
  RemotingCommand cmd;
  cmd.serialize_type = SerializeType::kRocketMq;
  cmd.code = r.I16();
  const uint8_t language = r.U8();
  cmd.language = language <= static_cast<uint8_t>(LanguageCode::kRust)
                     ? static_cast<LanguageCode>(language)
                     : LanguageCode::kOther;
  cmd.version = r.I16();
  cmd.opaque = r.I32();
  cmd.flag = r.I32();

  const int32_t remark_declared = r.I32();
  // The extFields length (4 bytes) must still follow the remark.
  TERN_ASSIGN_OR_RETURN(const size_t remark_len,
                        r.Length(remark_declared, r.remaining() - 4, "remark length"));
  if (remark_len > 0) cmd.remark.emplace(r.Chars(remark_len));

  const int32_t ext_declared = r.I32();
  TERN_ASSIGN_OR_RETURN(const size_t ext_len,
                        r.Length(ext_declared, r.remaining(), "extFields length"));
  if (ext_len > 0) {
    ExtFields fields;
    TERN_RETURN_IF_ERROR(DecodeExtFields(r, r.pos() + ext_len, fields));
    // No entry left (all null): absent, as the encoder writes absent and empty alike.
    if (!fields.empty()) cmd.ext_fields.emplace(std::move(fields));
  }
  if (r.remaining() != 0) {
    return absl::InvalidArgumentError(
        fmt::format("binary header: {} bytes left over after the extFields region", r.remaining()));
  }
  return cmd;
}

absl::Status AppendBinaryHeader(const RemotingCommand& cmd, std::string& out) {
  if (!FitsShort(cmd.code)) {
    return absl::InvalidArgumentError(
        fmt::format("code {} does not fit the binary header's short", cmd.code));
  }
  if (!FitsShort(cmd.version)) {
    return absl::InvalidArgumentError(
        fmt::format("version {} does not fit the binary header's short", cmd.version));
  }
  constexpr size_t kMaxInt = std::numeric_limits<int32_t>::max();
  const size_t remark_len = cmd.remark ? cmd.remark->size() : 0;
  if (remark_len > kMaxInt) return absl::InvalidArgumentError("remark longer than 2 GiB");
  size_t ext_len = 0;
  if (cmd.ext_fields) {
    for (const ExtFields::Entry& e : cmd.ext_fields->entries()) {
      if (e.first.size() > static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
        return absl::InvalidArgumentError(
            fmt::format("extFields key of {} bytes is longer than 32767", e.first.size()));
      }
      ext_len += 2 + e.first.size() + 4 + e.second.size();
      if (ext_len > kMaxInt) return absl::InvalidArgumentError("extFields longer than 2 GiB");
    }
  }
  out.reserve(out.size() + kBinaryHeaderMinSize + remark_len + ext_len);
  PutBE16(static_cast<uint16_t>(cmd.code), out);
  out.push_back(static_cast<char>(cmd.language));
  PutBE16(static_cast<uint16_t>(cmd.version), out);
  PutBE32(static_cast<uint32_t>(cmd.opaque), out);
  PutBE32(static_cast<uint32_t>(cmd.flag), out);
  PutBE32(static_cast<uint32_t>(remark_len), out);
  if (remark_len > 0) out.append(*cmd.remark);
  PutBE32(static_cast<uint32_t>(ext_len), out);
  if (cmd.ext_fields) {
    for (const ExtFields::Entry& e : cmd.ext_fields->entries()) {
      PutBE16(static_cast<uint16_t>(e.first.size()), out);
      out.append(e.first);
      PutBE32(static_cast<uint32_t>(e.second.size()), out);
      out.append(e.second);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeBinaryHeader(const RemotingCommand& cmd) {
  std::string out;
  TERN_RETURN_IF_ERROR(AppendBinaryHeader(cmd, out));
  return out;
}

}  // namespace tern::remoting
