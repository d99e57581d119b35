// dump.h: `tern store dump` — the messages of a store, one line each, selected by filters.
//
// Walks the CommitLog with the streaming scanner (log_scanner.h), starting as late as the
// filters allow: at a message id's offset, at the file holding the physical range's start, at
// the file holding a queue's start unit (topic + queue + queue-offset range) or the last file
// that begins before the time range. Damaged ranges are reported through `note`, never
// decoded. Follow mode tails a live store read-only: at the end of valid data it waits, picks
// up new files, and goes on until `stop` says so or `limit` lines were written.
//
// Thread safety: DumpStore runs on the calling thread; `out`, `note` and `stop` are called on
// it. The FileSystem must outlive the call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/file_system.h"
#include "engine/inspect/message_view.h"
#include "engine/inspect/store_layout.h"

namespace tern::inspect {

// Every set field must match; ranges are half-open [from, to).
struct DumpFilter {
  std::optional<std::string> topic;
  std::optional<int32_t> queue_id;
  int64_t from_queue_offset = 0;
  int64_t to_queue_offset = std::numeric_limits<int64_t>::max();
  int64_t from_offset = 0;  // physical
  int64_t to_offset = std::numeric_limits<int64_t>::max();
  int64_t from_time = std::numeric_limits<int64_t>::min();  // store time, ms
  int64_t to_time = std::numeric_limits<int64_t>::max();
  std::optional<std::string> key;     // a KEYS token or the UNIQ_KEY
  std::optional<std::string> msg_id;  // offset message id or UNIQ_KEY
  std::optional<std::string> tag;     // TAGS

  bool Matches(const engine::RecordView& r) const;
};

struct DumpOptions {
  GeometryOverrides geometry;
  DumpFilter filter;
  MessageFormat format;
  bool follow = false;
  int64_t limit = -1;  // lines; -1: no limit
  std::chrono::milliseconds poll_interval{200};
  std::function<bool()> stop;  // follow mode: checked between polls
};

struct DumpStats {
  int64_t records_walked = 0;
  int64_t printed = 0;
  int64_t damaged_ranges = 0;
};

absl::StatusOr<DumpStats> DumpStore(engine::FileSystem& fs, const std::string& root,
                                    const DumpOptions& options,
                                    const std::function<void(std::string_view line)>& out,
                                    const std::function<void(std::string_view note)>& note);

}  // namespace tern::inspect
