// find.h: `tern store find` — messages by id or key, through the IndexFiles when they can
// answer, else by a scan of the CommitLog.
//
// --id: an offset message id (protocol.md 4.6) is decoded to its CommitLog offset and read
// directly; otherwise, or if nothing is there, it is looked up as a UNIQ_KEY in the index
// (key "topic#id"), for the given topic or every topic that has ConsumeQueues. --key: the
// index holds "topic#key" for each KEYS token and the UNIQ_KEY. Index hits are confirmed on
// the record (hash collisions). When the index is missing, unreadable or finds nothing, the
// CommitLog is scanned (disable with scan_fallback = false).
//
// Read-only; safe on a live store. Thread safety: FindMessages runs on the calling thread and
// calls `out` on it. The FileSystem must outlive the call.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/file_system.h"
#include "engine/inspect/message_view.h"
#include "engine/inspect/store_layout.h"

namespace tern::inspect {

struct FindOptions {
  GeometryOverrides geometry;
  std::optional<std::string> id;
  std::optional<std::string> key;
  std::optional<std::string> topic;
  MessageFormat format;
  bool scan_fallback = true;
};

struct FindResult {
  int64_t found = 0;
  std::string method;  // "offset message id", "index", "scan"
  std::string note;    // why the index was not used, if it was not
};

// InvalidArgument unless exactly one of id and key is set.
absl::StatusOr<FindResult> FindMessages(engine::FileSystem& fs, const std::string& root,
                                        const FindOptions& options,
                                        const std::function<void(std::string_view line)>& out);

}  // namespace tern::inspect
