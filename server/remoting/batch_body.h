// batch_body.h: the body of a batch send (SEND_BATCH_MESSAGE, or 10/310 with batch=true;
// protocol.md 2.4.1): a sequence of per-message records
//
//   4 totalSize (this record, these 4 bytes included) | 4 magic (written 0, ignored)
//   4 bodyCRC (written 0, ignored) | 4 flag | 4 bodyLength | body
//   2 propertiesLength (short) | properties
//
// DecodeBatchBody returns views into the caller's bytes (no copies). Every size field is
// checked against the bytes present before it is used, and totalSize must equal
// 22 + bodyLength + propertiesLength (the value every client writes); violations are
// InvalidArgument naming the record index, its offset and the bad field. An empty body is an
// error (a batch holds at least one message). EncodeBatchBody is the client-side encoder.
//
// Pure functions, thread-safe. BatchRecord views live as long as the decoded buffer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/bytes.h"

namespace tern::remoting {

// Fixed bytes of one record: 5 ints and the properties length short.
inline constexpr size_t kBatchRecordOverhead = 22;

struct BatchRecord {
  int32_t flag = 0;
  ByteSpan body;
  // The message's properties string (protocol.md 4.3), undecoded.
  std::string_view properties;
};

absl::StatusOr<std::vector<BatchRecord>> DecodeBatchBody(ByteSpan body);

// Appends one record (magic and bodyCRC written as 0, as Java does). Fails when the
// properties are longer than 32767 bytes or the record does not fit in an int.
absl::Status AppendBatchRecord(const BatchRecord& record, std::string& out);
absl::StatusOr<std::string> EncodeBatchBody(std::span<const BatchRecord> records);

}  // namespace tern::remoting
