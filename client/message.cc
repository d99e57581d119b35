#include "client/message.h"

#include <fmt/format.h>
#include <zlib.h>

#include "engine/commit_log_codec.h"
#include "engine/properties.h"

namespace tern::client {

namespace {

// RocketMQ's compression bits (MessageSysFlag): 0x1 compressed; bits 8..10 the type
// (0: zlib, 1: LZ4, 2: ZSTD) in 4.9.x+.
constexpr int32_t kCompressedFlag = 0x1;
constexpr int32_t kCompressionTypeMask = 0x7 << 8;

absl::StatusOr<std::string> Inflate(ByteSpan in) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return absl::InternalError("zlib inflateInit failed");
  zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  out.resize(std::max<size_t>(in.size() * 4, 256));
  int rc = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + zs.total_out);
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (zs.avail_out == 0) {
      if (out.size() >= (size_t{64} << 20)) {
        rc = Z_MEM_ERROR;
        break;
      }
      out.resize(out.size() * 2);
    } else if (rc == Z_BUF_ERROR) {
      break;  // input ended before the stream did
    }
  }
  const size_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return absl::DataLossError(fmt::format("compressed body does not inflate (zlib code {})", rc));
  }
  out.resize(produced);
  return out;
}

}  // namespace

std::string_view MessageExt::Property(std::string_view name) const {
  auto it = properties.find(std::string(name));
  return it == properties.end() ? std::string_view() : std::string_view(it->second);
}
std::string_view MessageExt::tags() const { return Property(engine::property::kTags); }
std::string_view MessageExt::keys() const { return Property(engine::property::kKeys); }

absl::StatusOr<std::vector<MessageExt>> DecodeMessages(ByteSpan body) {
  std::vector<MessageExt> out;
  size_t pos = 0;
  while (pos < body.size()) {
    const engine::DecodeResult d =
        engine::DecodeRecord(body.subspan(pos), engine::CrcCheck::kVerify);
    if (d.status != engine::DecodeStatus::kRecord) {
      return absl::DataLossError(fmt::format("message at byte {} of the response is {}", pos,
                                             d.status == engine::DecodeStatus::kBlank
                                                 ? std::string_view("a BLANK filler")
                                                 : engine::CorruptionName(d.corruption)));
    }
    const engine::RecordView& r = d.record;
    MessageExt m;
    m.topic = std::string(r.topic);
    m.queue_id = r.queue_id;
    m.queue_offset = r.queue_offset;
    m.commit_log_offset = r.physical_offset;
    m.store_size = r.total_size();
    m.sys_flag = r.sys_flag;
    m.flag = r.flag;
    m.reconsume_times = r.reconsume_times;
    m.born_timestamp = r.born_timestamp;
    m.store_timestamp = r.store_timestamp;
    m.born_host = r.born_host.ToString();
    m.store_host = r.store_host.ToString();
    m.offset_msg_id = engine::OffsetMessageId(r.store_host, PhysicalOffset(r.physical_offset));
    engine::ForEachProperty(r.properties, [&](std::string_view k, std::string_view v) {
      m.properties[std::string(k)] = std::string(v);
    });
    if ((r.sys_flag & kCompressedFlag) != 0) {
      const int32_t type = (r.sys_flag & kCompressionTypeMask) >> 8;
      if (type != 0) {
        return absl::UnimplementedError(fmt::format(
            "message {} uses compression type {} (only zlib is supported)", m.offset_msg_id, type));
      }
      absl::StatusOr<std::string> inflated = Inflate(r.body);
      if (!inflated.ok()) return inflated.status();
      m.body = std::move(*inflated);
    } else {
      m.body.assign(reinterpret_cast<const char*>(r.body.data()), r.body.size());
    }
    const std::string_view uniq = m.Property(engine::property::kUniqueClientMessageIdKey);
    m.msg_id = uniq.empty() ? m.offset_msg_id : std::string(uniq);
    out.push_back(std::move(m));
    pos += static_cast<size_t>(r.total_size());
  }
  return out;
}

}  // namespace tern::client
