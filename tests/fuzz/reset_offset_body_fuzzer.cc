// Fuzzes the fastjson MessageQueue-keyed map parser (server/protocol/reset_offset_body.h):
// any input decodes or fails with a Status, never crashes or reads out of bounds, and a
// ResetOffsetBody that decodes re-encodes (both forms) to text that decodes to the same value;
// the same round trip for ConsumerStatusBody.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/base/check.h"
#include "server/protocol/reset_offset_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using tern::protocol::ResetOffsetBody;
  absl::StatusOr<ResetOffsetBody> body = ResetOffsetBody::Decode(text);
  if (body.ok()) {
    absl::StatusOr<ResetOffsetBody> again = ResetOffsetBody::Decode(body->Encode());
    TERN_CHECK(again.ok() && *again == *body);
    absl::StatusOr<ResetOffsetBody> for_c = ResetOffsetBody::Decode(body->EncodeForC());
    TERN_CHECK(for_c.ok() && *for_c == *body);
  }
  using tern::protocol::ConsumerStatusBody;
  absl::StatusOr<ConsumerStatusBody> status = ConsumerStatusBody::Decode(text);
  if (status.ok()) {
    absl::StatusOr<ConsumerStatusBody> again = ConsumerStatusBody::Decode(status->Encode());
    TERN_CHECK(again.ok() && *again == *status);
  }
  (void)tern::protocol::ParseMessageQueueMap(text, "offsetTable");
  (void)tern::protocol::ParseMessageQueueMap(text, "mqTable");
  return 0;
}
