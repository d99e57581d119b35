// Fuzzes `tern admin import`'s reading of an export line (tools/admin/export_line.h) and the
// base64 decoder under it. Any input parses or fails with a Status; a decoded body re-encodes
// to base64 that decodes back to it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/base/check.h"
#include "tools/admin/base64.h"
#include "tools/admin/export_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::tools;  // NOLINT(google-build-using-namespace)
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseExportLine(text);
  absl::StatusOr<std::string> bytes = Base64Decode(text);
  if (bytes.ok()) {
    absl::StatusOr<std::string> again = Base64Decode(Base64Encode(*bytes));
    TERN_CHECK(again.ok() && *again == *bytes);
  }
  return 0;
}
