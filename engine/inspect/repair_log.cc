#include "engine/inspect/repair_log.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "engine/base/check.h"
#include "engine/commit_log_codec.h"
#include "engine/commit_log_format.h"
#include "engine/inspect/verify.h"
#include "engine/properties.h"

namespace tern::inspect::internal {
namespace {

constexpr size_t kMaxQuarantineRecord = size_t{1} << 20;
constexpr size_t kMaxRestorable = size_t{64} << 20;
constexpr std::string_view kQuarantineProperty = "TERN_QUARANTINE";

engine::MessageToStore QuarantineMessage(int64_t begin, int64_t store_timestamp,
                                         std::string_view properties) {
  engine::MessageToStore m;
  m.topic = kQuarantineTopic;
  m.sys_flag = engine::format::kTransactionRollbackType;
  m.born_timestamp = store_timestamp;
  m.store_timestamp = store_timestamp;
  m.born_host = engine::HostPort::Ipv4(0, 0, 0, 0, 0);
  m.store_host = engine::HostPort::Ipv4(0, 0, 0, 0, 0);
  m.properties = properties;
  m.physical_offset = begin;
  return m;
}

size_t Overhead(std::string_view properties) {
  return *engine::EncodedRecordSize(QuarantineMessage(0, 0, properties));
}

}  // namespace

bool HeaderRestorable(ByteSpan range, int64_t begin) {
  if (range.size() < engine::format::kFixedSizeIpv4 + 1 || range.size() > kMaxRestorable) {
    return false;
  }
  std::vector<uint8_t> copy(range.begin(), range.end());
  RestoreHeader(MutableByteSpan(copy));
  const engine::DecodeResult r = engine::DecodeRecord(ByteSpan(copy), engine::CrcCheck::kVerify);
  return r.status == engine::DecodeStatus::kRecord && r.record.raw.size() == copy.size() &&
         r.record.physical_offset == begin && engine::RecordLooksComplete(r.record);
}

void RestoreHeader(MutableByteSpan range) {
  StoreBE32(range.data() + engine::format::kTotalSizePos, static_cast<uint32_t>(range.size()));
  StoreBE32(range.data() + engine::format::kMagicPos,
            static_cast<uint32_t>(engine::format::kMessageMagic));
}

size_t MinQuarantineSize() { return Overhead(""); }

int WriteQuarantine(MutableByteSpan range, int64_t begin, int64_t store_timestamp,
                    std::string_view reason) {
  TERN_CHECK(range.size() >= MinQuarantineSize());
  static const std::vector<uint8_t> zeros(kMaxQuarantineRecord);
  std::string props;
  std::string value(reason.substr(0, 200));
  std::replace_if(
      value.begin(), value.end(),
      [](char c) { return c == engine::kNameValueSeparator || c == engine::kPropertySeparator; },
      ' ');
  engine::AppendProperty(&props, kQuarantineProperty, value);
  int written = 0;
  size_t pos = 0;
  while (pos < range.size()) {
    const size_t left = range.size() - pos;
    std::string_view p = props;
    if (left < Overhead(p)) p = "";
    const size_t overhead = Overhead(p);
    size_t piece = std::min(left, kMaxQuarantineRecord);
    // Leave enough for one more record after this one.
    if (left > piece && left - piece < MinQuarantineSize()) piece = left - MinQuarantineSize();
    TERN_CHECK(piece >= overhead);
    engine::MessageToStore m =
        QuarantineMessage(begin + static_cast<int64_t>(pos), store_timestamp, p);
    m.body = ByteSpan(zeros.data(), piece - overhead);
    engine::EncodeRecord(m, range.subspan(pos, piece));
    pos += piece;
    ++written;
  }
  return written;
}

}  // namespace tern::inspect::internal
