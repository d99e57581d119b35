// message_view.h: one CommitLog record rendered as one line of text or JSON, for dump and
// find. Every field comes from the engine's codec (RecordView) and properties decoder; zlib
// bodies (sysFlag COMPRESSED with compression type 0 or 3, protocol.md 4.4) are inflated
// unless told not to. LZ4/ZSTD bodies are shown as stored.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "engine/base/bytes.h"
#include "engine/commit_log_codec.h"

namespace tern::inspect {

enum class BodyFormat { kText, kHex, kBase64, kNone };

struct MessageFormat {
  bool json = false;
  BodyFormat body = BodyFormat::kText;
  size_t max_body = 4096;  // bytes of body shown (after inflating); 0: all
  bool inflate = true;
};

// One line, no trailing newline. Text: key=value pairs; JSON: one object.
std::string FormatMessage(const engine::RecordView& r, const MessageFormat& f);

// Inflates an RFC 1950 (zlib) stream; InvalidArgument if it is not one, or if it inflates to
// more than `limit` bytes.
absl::StatusOr<std::string> InflateZlib(ByteSpan data, size_t limit);

// "none", "prepared", "commit" or "rollback".
std::string_view TransactionTypeName(int32_t sys_flag);

}  // namespace tern::inspect
