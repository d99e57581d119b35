// export_line.h: one line of `tern store export` (a `tern store dump --json` line with the
// whole body in base64) turned back into a message to re-send, for `tern admin import`.
//
// Kept from the line: topic, body (base64, hex or text encoding), the user flag, TAGS, KEYS
// (space-separated) and every user property. Dropped: the properties the producer or the
// broker sets on the way in (UNIQ_KEY — the producer assigns a new one —, WAIT, MIN_OFFSET,
// MAX_OFFSET, CLUSTER, REAL_TOPIC, REAL_QID, RETRY_TOPIC, TRAN_MSG, PGROUP, DELAY,
// RECONSUME_TIME, MAX_RECONSUME_TIMES, ORIGIN_MESSAGE_ID, TRAN_PREPARED_QUEUE_OFFSET,
// TRANSACTION_CHECK_TIMES, __STARTDELIVERTIME, TIMER_*). Prepared and rolled-back
// transaction halves are skipped (never delivered, so never migrated).
//
// The line is untrusted input: any bytes give a result or InvalidArgument naming the field.
// Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "client/message.h"

namespace tern::tools {

struct ImportRecord {
  client::Message message;
  bool skip = false;        // a transaction half: not re-sent
  std::string skip_reason;  // why, when skip
};

absl::StatusOr<ImportRecord> ParseExportLine(std::string_view line);

}  // namespace tern::tools
