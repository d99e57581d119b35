#include "engine/inspect/message_view.h"

#include <fmt/format.h>
#include <zlib.h>

#include "engine/commit_log_format.h"
#include "engine/inspect/format_util.h"
#include "engine/inspect/json_out.h"
#include "engine/properties.h"

namespace tern::inspect {
namespace {

constexpr size_t kInflateLimit = size_t{64} << 20;

std::string Hex(ByteSpan b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(b.size() * 2, '0');
  for (size_t i = 0; i < b.size(); ++i) {
    out[2 * i] = kDigits[b[i] >> 4];
    out[2 * i + 1] = kDigits[b[i] & 0xF];
  }
  return out;
}

std::string Base64(ByteSpan b) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((b.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= b.size(); i += 3) {
    const uint32_t v = b[i] << 16 | b[i + 1] << 8 | b[i + 2];
    out += kChars[v >> 18];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
    out += kChars[v & 63];
  }
  if (i < b.size()) {
    const uint32_t v = b[i] << 16 | (i + 1 < b.size() ? b[i + 1] << 8 : 0);
    out += kChars[v >> 18];
    out += kChars[(v >> 12) & 63];
    out += i + 1 < b.size() ? kChars[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Text form: printable bytes as they are, the rest escaped (\n, \t, \xNN); quotes escaped.
std::string EscapeText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

bool IsZlib(int32_t sys_flag) {
  if ((sys_flag & engine::format::kFlagCompressed) == 0) return false;
  const int32_t type = (sys_flag & engine::format::kCompressionTypeMask) >> 8;
  return type == 0 || type == 3;  // 0: older clients (zlib); 3: ZLIB
}

struct Body {
  std::string bytes;
  std::string note;  // "zlib-inflated", "lz4 (not inflated)", ...
  size_t full_size = 0;
};

Body PrepareBody(const engine::RecordView& r, const MessageFormat& f) {
  Body b;
  const std::string_view stored = AsChars(r.body);
  if ((r.sys_flag & engine::format::kFlagCompressed) != 0) {
    if (!IsZlib(r.sys_flag)) {
      b.note = ((r.sys_flag & engine::format::kCompressionTypeMask) >> 8) == 1
                   ? "lz4 (not inflated)"
                   : "zstd (not inflated)";
    } else if (f.inflate) {
      absl::StatusOr<std::string> inflated = InflateZlib(r.body, kInflateLimit);
      if (inflated.ok()) {
        b.bytes = *std::move(inflated);
        b.note = "zlib-inflated";
      } else {
        b.note = "zlib (does not inflate; shown as stored)";
      }
    } else {
      b.note = "zlib (not inflated)";
    }
  }
  if (b.note != "zlib-inflated") b.bytes.assign(stored);
  b.full_size = b.bytes.size();
  if (f.max_body > 0 && b.bytes.size() > f.max_body) b.bytes.resize(f.max_body);
  return b;
}

}  // namespace

std::string_view TransactionTypeName(int32_t sys_flag) {
  switch (engine::format::TransactionType(sys_flag)) {
    case engine::format::kTransactionPreparedType:
      return "prepared";
    case engine::format::kTransactionCommitType:
      return "commit";
    case engine::format::kTransactionRollbackType:
      return "rollback";
    default:
      return "none";
  }
}

absl::StatusOr<std::string> InflateZlib(ByteSpan data, size_t limit) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return absl::InternalError("inflateInit failed");
  z.next_in = const_cast<Bytef*>(data.data());  // zlib's API is not const-correct
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > limit) {
      inflateEnd(&z);
      return absl::InvalidArgumentError(fmt::format("inflates to more than {} bytes", limit));
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return absl::InvalidArgumentError("not a complete zlib stream");
  return out;
}

std::string FormatMessage(const engine::RecordView& r, const MessageFormat& f) {
  const std::string msg_id =
      engine::OffsetMessageId(r.store_host, PhysicalOffset(r.physical_offset));
  const engine::PropertyList props = engine::ParseProperties(r.properties);
  Body body;
  if (f.body != BodyFormat::kNone) body = PrepareBody(r, f);
  std::string encoded;
  std::string_view encoding = "text";
  switch (f.body) {
    case BodyFormat::kHex:
      encoded = Hex(AsBytes(body.bytes));
      encoding = "hex";
      break;
    case BodyFormat::kBase64:
      encoded = Base64(AsBytes(body.bytes));
      encoding = "base64";
      break;
    case BodyFormat::kText:
      if (f.json && !IsValidUtf8(body.bytes)) {
        encoded = Base64(AsBytes(body.bytes));
        encoding = "base64";
      }
      break;
    case BodyFormat::kNone:
      break;
  }
  if (f.json) {
    JsonOut j;
    j.BeginObject();
    j.Field("offset", r.physical_offset);
    j.Field("size", r.total_size());
    j.Field("msgId", msg_id);
    j.Field("topic", r.topic);
    j.Field("queueId", r.queue_id);
    j.Field("queueOffset", r.queue_offset);
    j.Field("storeTimestamp", r.store_timestamp);
    j.Field("storeTime", FormatMillis(r.store_timestamp));
    j.Field("bornTimestamp", r.born_timestamp);
    j.Field("bornTime", FormatMillis(r.born_timestamp));
    j.Field("bornHost", r.born_host.ToString());
    j.Field("storeHost", r.store_host.ToString());
    j.Field("sysFlag", r.sys_flag);
    j.Field("transaction", TransactionTypeName(r.sys_flag));
    j.Field("compressed", (r.sys_flag & engine::format::kFlagCompressed) != 0);
    j.Field("flag", r.flag);
    j.Field("reconsumeTimes", r.reconsume_times);
    j.Field("preparedTransactionOffset", r.prepared_transaction_offset);
    j.Field("bodyCrc", r.body_crc);
    j.Field("bodyLength", static_cast<int64_t>(r.body.size()));
    j.Key("properties");
    j.BeginObject();
    for (const auto& [name, value] : props) j.Field(name, value);
    j.EndObject();
    if (f.body != BodyFormat::kNone) {
      j.Field("body", encoding == "text" ? std::string_view(body.bytes) : encoded);
      j.Field("bodyEncoding", encoding);
      if (!body.note.empty()) j.Field("bodyNote", body.note);
      if (body.bytes.size() < body.full_size) {
        j.Field("bodyTruncatedFrom", static_cast<int64_t>(body.full_size));
      }
    }
    j.EndObject();
    return std::move(j).Take();
  }
  std::string out = fmt::format(
      "offset={} size={} msgId={} topic={} queue={} queueOffset={} store={} born={} "
      "bornHost={} storeHost={} sysFlag=0x{:x}",
      r.physical_offset, r.total_size(), msg_id, r.topic, r.queue_id, r.queue_offset,
      FormatMillis(r.store_timestamp), FormatMillis(r.born_timestamp), r.born_host.ToString(),
      r.store_host.ToString(), r.sys_flag);
  if (engine::format::TransactionType(r.sys_flag) != 0) {
    out += fmt::format(" transaction={}", TransactionTypeName(r.sys_flag));
  }
  if (r.flag != 0) out += fmt::format(" flag={}", r.flag);
  if (r.reconsume_times != 0) out += fmt::format(" reconsume={}", r.reconsume_times);
  if (r.prepared_transaction_offset != 0) {
    out += fmt::format(" preparedTxOffset={}", r.prepared_transaction_offset);
  }
  out += " props={";
  for (size_t i = 0; i < props.size(); ++i) {
    out += fmt::format("{}{}={}", i ? ", " : "", EscapeText(props[i].first),
                       EscapeText(props[i].second));
  }
  out += "}";
  if (f.body != BodyFormat::kNone) {
    out += fmt::format(" bodyLength={}", r.body.size());
    if (!body.note.empty()) out += fmt::format(" bodyNote=\"{}\"", body.note);
    out += encoding == "text" ? fmt::format(" body=\"{}\"", EscapeText(body.bytes))
                              : fmt::format(" body.{}={}", encoding, encoded);
    if (body.bytes.size() < body.full_size)
      out += fmt::format(" (first {} of {} bytes)", body.bytes.size(), body.full_size);
  }
  return out;
}

}  // namespace tern::inspect
