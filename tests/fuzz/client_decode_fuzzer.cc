// Fuzzes what the client decodes from a broker: pull/query response bodies (stored records,
// with compressed bodies inflated) and the body decompressors on their own. Any input decodes
// or fails with a Status; nothing crashes or reads out of bounds; inflation stays capped.
#include <cstddef>
#include <cstdint>

#include "client/body_codec.h"
#include "client/message.h"
#include "engine/base/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern;  // NOLINT(google-build-using-namespace)
  (void)client::DecodeMessages(ByteSpan(data, size));
  if (size >= 1) {
    const int32_t sys_flag = 0x1 | ((data[0] & 0x7) << client::kCompressionTypeShift);
    absl::StatusOr<std::string> out = client::Inflate(ByteSpan(data + 1, size - 1), sys_flag);
    if (out.ok()) TERN_CHECK(out->size() <= client::kMaxInflatedSize);
  }
  return 0;
}
