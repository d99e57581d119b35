#include "engine/commit_log_codec.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

#include "engine/base/check.h"
#include "engine/base/crc32.h"
#include "engine/commit_log_format.h"

namespace tern::engine {
namespace {

using namespace format;  // NOLINT(google-build-using-namespace): constants of this format

uint8_t* PutHost(uint8_t* p, const HostPort& h) {
  std::memcpy(p, h.addr.data(), h.addr_len);
  p += h.addr_len;
  StoreBE32(p, static_cast<uint32_t>(h.port));
  return p + 4;
}

const uint8_t* GetHost(const uint8_t* p, bool v6, HostPort* h) {
  h->addr = {};
  h->addr_len = v6 ? 16 : 4;
  std::memcpy(h->addr.data(), p, h->addr_len);
  p += h->addr_len;
  h->port = LoadBEI32(p);
  return p + 4;
}

int32_t HostFlags(const MessageToStore& msg) {
  int32_t f = msg.sys_flag & ~(kFlagBornHostV6 | kFlagStoreHostV6);
  if (msg.born_host.is_v6()) f |= kFlagBornHostV6;
  if (msg.store_host.is_v6()) f |= kFlagStoreHostV6;
  return f;
}

size_t StoreTimestampPos(int32_t sys_flag) {
  return kBornHostPos + ((sys_flag & kFlagBornHostV6) != 0 ? kIpv6HostSize : kIpv4HostSize);
}

DecodeResult Corrupt(Corruption c) {
  DecodeResult r;
  r.status = DecodeStatus::kCorrupt;
  r.corruption = c;
  return r;
}

constexpr char kHex[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

HostPort HostPort::Ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int32_t port) {
  HostPort h;
  h.addr[0] = a;
  h.addr[1] = b;
  h.addr[2] = c;
  h.addr[3] = d;
  h.addr_len = 4;
  h.port = port;
  return h;
}

absl::StatusOr<HostPort> HostPort::Parse(std::string_view text) {
  HostPort h;
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return absl::InvalidArgumentError(fmt::format("bad address '{}'", text));
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return absl::InvalidArgumentError(fmt::format("address '{}' has no port", text));
    }
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  int32_t port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string_view::npos ||
      (port = std::stoi(std::string(port_text))) > 65535) {
    return absl::InvalidArgumentError(fmt::format("bad port in '{}'", text));
  }
  h.port = port;
  if (inet_pton(AF_INET, host.c_str(), h.addr.data()) == 1) {
    h.addr_len = 4;
    return h;
  }
  if (inet_pton(AF_INET6, host.c_str(), h.addr.data()) == 1) {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(h.addr.data(), kMapped, sizeof kMapped) == 0) {
      std::memmove(h.addr.data(), h.addr.data() + 12, 4);
      std::memset(h.addr.data() + 4, 0, 12);
      h.addr_len = 4;
    } else {
      h.addr_len = 16;
    }
    return h;
  }
  return absl::InvalidArgumentError(fmt::format("bad IP address in '{}'", text));
}

std::string HostPort::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v6()) {
    inet_ntop(AF_INET6, addr.data(), buf, sizeof buf);
    return fmt::format("[{}]:{}", buf, port);
  }
  inet_ntop(AF_INET, addr.data(), buf, sizeof buf);
  return fmt::format("{}:{}", buf, port);
}

std::string_view CorruptionName(Corruption c) {
  switch (c) {
    case Corruption::kNone:
      return "none";
    case Corruption::kTruncated:
      return "truncated record";
    case Corruption::kBadMagic:
      return "bad magic code";
    case Corruption::kBadTotalSize:
      return "bad total size";
    case Corruption::kLengthMismatch:
      return "field lengths do not match total size";
    case Corruption::kBodyCrcMismatch:
      return "body CRC mismatch";
  }
  return "unknown";
}

absl::StatusOr<size_t> EncodedRecordSize(const MessageToStore& msg) {
  if (msg.topic.empty() || msg.topic.size() > kMaxTopicLength) {
    return absl::InvalidArgumentError(
        fmt::format("topic length {} outside 1..{}", msg.topic.size(), kMaxTopicLength));
  }
  if (msg.properties.size() > kMaxPropertiesLength) {
    return absl::InvalidArgumentError(fmt::format("properties length {} exceeds {}",
                                                  msg.properties.size(), kMaxPropertiesLength));
  }
  return kFixedSizeIpv4 + (msg.born_host.is_v6() ? 12 : 0) + (msg.store_host.is_v6() ? 12 : 0) +
         msg.body.size() + msg.topic.size() + msg.properties.size();
}

void EncodeRecord(const MessageToStore& msg, MutableByteSpan out) {
  uint8_t* p = out.data();
  const int32_t sys_flag = HostFlags(msg);
  StoreBE32(p + kTotalSizePos, static_cast<uint32_t>(out.size()));
  StoreBE32(p + kMagicPos, static_cast<uint32_t>(kMessageMagic));
  StoreBE32(p + kBodyCrcPos, static_cast<uint32_t>(RocketMqCrc(msg.body)));
  StoreBE32(p + kQueueIdPos, static_cast<uint32_t>(msg.queue_id));
  StoreBE32(p + kFlagPos, static_cast<uint32_t>(msg.flag));
  StoreBE64(p + kQueueOffsetPos, static_cast<uint64_t>(msg.queue_offset));
  StoreBE64(p + kPhysicalOffsetPos, static_cast<uint64_t>(msg.physical_offset));
  StoreBE32(p + kSysFlagPos, static_cast<uint32_t>(sys_flag));
  StoreBE64(p + kBornTimestampPos, static_cast<uint64_t>(msg.born_timestamp));
  uint8_t* q = PutHost(p + kBornHostPos, msg.born_host);
  StoreBE64(q, static_cast<uint64_t>(msg.store_timestamp));
  q = PutHost(q + 8, msg.store_host);
  StoreBE32(q, static_cast<uint32_t>(msg.reconsume_times));
  StoreBE64(q + 4, static_cast<uint64_t>(msg.prepared_transaction_offset));
  q += 12;
  StoreBE32(q, static_cast<uint32_t>(msg.body.size()));
  if (!msg.body.empty()) std::memcpy(q + 4, msg.body.data(), msg.body.size());
  q += 4 + msg.body.size();
  *q = static_cast<uint8_t>(msg.topic.size());
  std::memcpy(q + 1, msg.topic.data(), msg.topic.size());
  q += 1 + msg.topic.size();
  StoreBE16(q, static_cast<uint16_t>(msg.properties.size()));
  if (!msg.properties.empty()) std::memcpy(q + 2, msg.properties.data(), msg.properties.size());
  q += 2 + msg.properties.size();
  TERN_CHECK(q == p + out.size());
}

void PatchAppendFields(uint8_t* record, QueueOffset queue_offset, PhysicalOffset physical_offset,
                       int64_t store_timestamp) {
  StoreBE64(record + kQueueOffsetPos, static_cast<uint64_t>(queue_offset.value()));
  StoreBE64(record + kPhysicalOffsetPos, static_cast<uint64_t>(physical_offset.value()));
  const int32_t sys_flag = LoadBEI32(record + kSysFlagPos);
  StoreBE64(record + StoreTimestampPos(sys_flag), static_cast<uint64_t>(store_timestamp));
}

bool RecordLooksComplete(const RecordView& record) {
  for (char c : record.topic) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '%' || c == '|';
    if (!ok) return false;
  }
  if (record.properties.empty()) return true;  // the topic is the last data, checked above
  return record.properties.back() != 0;
}

void EncodeBlank(uint8_t* out, int32_t remaining) {
  TERN_CHECK(remaining >= static_cast<int32_t>(kBlankHeaderSize));
  StoreBE32(out, static_cast<uint32_t>(remaining));
  StoreBE32(out + 4, static_cast<uint32_t>(kBlankMagic));
}

DecodeResult DecodeRecord(ByteSpan bytes, CrcCheck crc) {
  if (bytes.size() < kBlankHeaderSize) return Corrupt(Corruption::kTruncated);
  const uint8_t* p = bytes.data();
  const int32_t total = LoadBEI32(p + kTotalSizePos);
  const int32_t magic = LoadBEI32(p + kMagicPos);
  if (magic == kBlankMagic) {
    if (total < static_cast<int32_t>(kBlankHeaderSize) ||
        static_cast<size_t>(total) > bytes.size()) {
      return Corrupt(Corruption::kBadTotalSize);
    }
    DecodeResult r;
    r.status = DecodeStatus::kBlank;
    r.blank_size = total;
    return r;
  }
  if (magic != kMessageMagic) return Corrupt(Corruption::kBadMagic);
  if (total < static_cast<int32_t>(kFixedSizeIpv4) + 1) return Corrupt(Corruption::kBadTotalSize);
  if (static_cast<size_t>(total) > bytes.size()) return Corrupt(Corruption::kTruncated);

  DecodeResult r;
  RecordView& v = r.record;
  const uint8_t* end = p + total;
  v.raw = bytes.first(static_cast<size_t>(total));
  v.body_crc = LoadBEI32(p + kBodyCrcPos);
  v.queue_id = LoadBEI32(p + kQueueIdPos);
  v.flag = LoadBEI32(p + kFlagPos);
  v.queue_offset = LoadBEI64(p + kQueueOffsetPos);
  v.physical_offset = LoadBEI64(p + kPhysicalOffsetPos);
  v.sys_flag = LoadBEI32(p + kSysFlagPos);
  v.born_timestamp = LoadBEI64(p + kBornTimestampPos);
  const bool born_v6 = (v.sys_flag & kFlagBornHostV6) != 0;
  const bool store_v6 = (v.sys_flag & kFlagStoreHostV6) != 0;
  // Fixed part through BODYLENGTH, depending on the host layout.
  const size_t fixed = kFixedSizeIpv4 + (born_v6 ? 12 : 0) + (store_v6 ? 12 : 0);
  if (static_cast<size_t>(total) < fixed) return Corrupt(Corruption::kLengthMismatch);
  const uint8_t* q = GetHost(p + kBornHostPos, born_v6, &v.born_host);
  v.store_timestamp = LoadBEI64(q);
  q = GetHost(q + 8, store_v6, &v.store_host);
  v.reconsume_times = LoadBEI32(q);
  v.prepared_transaction_offset = LoadBEI64(q + 4);
  q += 12;
  const int32_t body_len = LoadBEI32(q);
  q += 4;
  // Remaining after the body: topic length byte + topic + props length (2) + props.
  if (body_len < 0 || body_len > end - q - 3) return Corrupt(Corruption::kLengthMismatch);
  v.body = ByteSpan(q, static_cast<size_t>(body_len));
  q += body_len;
  const int topic_len = static_cast<int8_t>(*q);
  q += 1;
  if (topic_len <= 0 || topic_len > end - q - 2) return Corrupt(Corruption::kLengthMismatch);
  v.topic = std::string_view(reinterpret_cast<const char*>(q), static_cast<size_t>(topic_len));
  q += topic_len;
  const int props_len = LoadBEI16(q);
  q += 2;
  if (props_len < 0 || props_len != end - q) return Corrupt(Corruption::kLengthMismatch);
  v.properties = std::string_view(reinterpret_cast<const char*>(q), static_cast<size_t>(props_len));
  if (crc == CrcCheck::kVerify && RocketMqCrc(v.body) != v.body_crc) {
    return Corrupt(Corruption::kBodyCrcMismatch);
  }
  r.status = DecodeStatus::kRecord;
  return r;
}

std::string OffsetMessageId(const HostPort& store_host, PhysicalOffset offset) {
  uint8_t raw[28];
  size_t n = 0;
  std::memcpy(raw, store_host.addr.data(), store_host.addr_len);
  n += store_host.addr_len;
  StoreBE32(raw + n, static_cast<uint32_t>(store_host.port));
  n += 4;
  StoreBE64(raw + n, static_cast<uint64_t>(offset.value()));
  n += 8;
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0xF];
  }
  return out;
}

absl::StatusOr<DecodedMessageId> ParseOffsetMessageId(std::string_view id) {
  if (id.size() != 32 && id.size() != 56) {
    return absl::InvalidArgumentError(
        fmt::format("message id '{}' must have 32 or 56 hex digits, has {}", id, id.size()));
  }
  uint8_t raw[28];
  const size_t n = id.size() / 2;
  for (size_t i = 0; i < n; ++i) {
    const int hi = HexValue(id[2 * i]);
    const int lo = HexValue(id[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(fmt::format("message id '{}' is not hex", id));
    }
    raw[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  DecodedMessageId out;
  out.store_host.addr_len = n == 16 ? 4 : 16;
  std::memcpy(out.store_host.addr.data(), raw, out.store_host.addr_len);
  out.store_host.port = LoadBEI32(raw + out.store_host.addr_len);
  out.offset = PhysicalOffset(LoadBEI64(raw + out.store_host.addr_len + 4));
  return out;
}

}  // namespace tern::engine

namespace tern::engine {
size_t EncodedBodyLength(const uint8_t* record) {
  const int32_t sys_flag = LoadBEI32(record + format::kSysFlagPos);
  size_t pos = format::kFixedSizeIpv4 - 3 - 4;  // BODYLENGTH for IPv4 hosts: 84
  if ((sys_flag & format::kFlagBornHostV6) != 0) pos += 12;
  if ((sys_flag & format::kFlagStoreHostV6) != 0) pos += 12;
  return LoadBE32(record + pos);
}
}  // namespace tern::engine
