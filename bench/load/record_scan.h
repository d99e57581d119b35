// record_scan.h: ScanPullBody, a zero-copy reading of a PULL_MESSAGE response body for the
// pull-mode consumer.
//
// client::DecodeMessages copies every record into a MessageExt with a std::map of properties;
// at hundreds of thousands of messages a second that is the consumer's bottleneck, so the
// pull consumer reads the records in place with engine::DecodeRecord (body CRC checked) and
// keeps only what the verifier needs: queue offset and body. A compressed record (sysflag
// bit 0x1, bodies above the producer's compress_over) is inflated through
// client::DecodeMessages into `inflated`, which owns those bodies.
//
// Pure function over caller-owned buffers: the returned spans point into `body` or
// `inflated`, valid while both are and until the next call that reuses them. Thread-safe.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bench/load/verifier.h"
#include "engine/base/bytes.h"

namespace tern::load {

// Appends one Verifier::Item per record of `body` to `out` (cleared first); a record that
// does not decode (corruption, a body CRC mismatch) is a DataLoss error naming its position.
absl::Status ScanPullBody(ByteSpan body, std::vector<Verifier::Item>* out,
                          std::deque<std::string>* inflated);

}  // namespace tern::load
