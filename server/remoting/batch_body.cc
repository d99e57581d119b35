#include "server/remoting/batch_body.h"

#include <fmt/format.h>

#include <limits>

#include "engine/base/status.h"

namespace tern::remoting {
namespace {

absl::Status Bad(size_t index, size_t offset, std::string_view what) {
  return absl::InvalidArgumentError(
      fmt::format("batch body: record {} at offset {}: {}", index, offset, what));
}

}  // namespace

absl::StatusOr<std::vector<BatchRecord>> DecodeBatchBody(ByteSpan body) {
  if (body.empty()) return absl::InvalidArgumentError("batch body: empty (no messages)");
  std::vector<BatchRecord> records;
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t index = records.size();
    const size_t left = body.size() - pos;
    const uint8_t* p = body.data() + pos;
    if (left < kBatchRecordOverhead) {
      return Bad(index, pos,
                 fmt::format("truncated: {} bytes left, a record needs at least {}", left,
                             kBatchRecordOverhead));
    }
    const int32_t total_size = LoadBEI32(p);
    if (total_size < static_cast<int32_t>(kBatchRecordOverhead)) {
      return Bad(
          index, pos,
          fmt::format("totalSize {} is below the minimum {}", total_size, kBatchRecordOverhead));
    }
    if (static_cast<size_t>(total_size) > left) {
      return Bad(
          index, pos,
          fmt::format("truncated: totalSize {} exceeds the {} bytes left", total_size, left));
    }
    BatchRecord record;
    record.flag = LoadBEI32(p + 12);
    const int32_t body_length = LoadBEI32(p + 16);
    // The properties length short must still follow the body inside the record.
    if (body_length < 0 ||
        static_cast<size_t>(body_length) > static_cast<size_t>(total_size) - kBatchRecordOverhead) {
      return Bad(index, pos,
                 fmt::format("bodyLength {} does not fit totalSize {}", body_length, total_size));
    }
    record.body = body.subspan(pos + 20, static_cast<size_t>(body_length));
    const int16_t properties_length = LoadBEI16(p + 20 + body_length);
    if (properties_length < 0) {
      return Bad(index, pos, fmt::format("propertiesLength {} is negative", properties_length));
    }
    const size_t expected = kBatchRecordOverhead + static_cast<size_t>(body_length) +
                            static_cast<size_t>(properties_length);
    if (expected != static_cast<size_t>(total_size)) {
      return Bad(index, pos,
                 fmt::format("totalSize {} does not match 22 + bodyLength {} + propertiesLength "
                             "{}",
                             total_size, body_length, properties_length));
    }
    record.properties =
        AsChars(body.subspan(pos + 22 + body_length, static_cast<size_t>(properties_length)));
    records.push_back(record);
    pos += static_cast<size_t>(total_size);
  }
  return records;
}

absl::Status AppendBatchRecord(const BatchRecord& record, std::string& out) {
  if (record.properties.size() > static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    return absl::InvalidArgumentError(
        fmt::format("batch record properties of {} bytes exceed 32767", record.properties.size()));
  }
  const size_t total = kBatchRecordOverhead + record.body.size() + record.properties.size();
  if (total > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return absl::InvalidArgumentError(
        fmt::format("batch record of {} bytes does not fit in an int", total));
  }
  uint8_t fixed[20];
  StoreBE32(fixed, static_cast<uint32_t>(total));
  StoreBE32(fixed + 4, 0);  // magic
  StoreBE32(fixed + 8, 0);  // body CRC
  StoreBE32(fixed + 12, static_cast<uint32_t>(record.flag));
  StoreBE32(fixed + 16, static_cast<uint32_t>(record.body.size()));
  out.append(reinterpret_cast<const char*>(fixed), sizeof fixed);
  out.append(AsChars(record.body));
  uint8_t props_len[2];
  StoreBE16(props_len, static_cast<uint16_t>(record.properties.size()));
  out.append(reinterpret_cast<const char*>(props_len), sizeof props_len);
  out.append(record.properties);
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeBatchBody(std::span<const BatchRecord> records) {
  std::string out;
  for (const BatchRecord& r : records) TERN_RETURN_IF_ERROR(AppendBatchRecord(r, out));
  return out;
}

}  // namespace tern::remoting
