// message_filter.h: what a pull wants, checked in two stages (RocketMQ's MessageFilter).
//
// MatchByTagsCode runs on the ConsumeQueue unit alone (no CommitLog read): the tag filter.
// MatchByRecord runs on the decoded record for filters that need properties (SQL92), and
// MatchByProperties on a record's properties string alone (long-polling wake-ups see the
// arrived message's properties, not a RecordView). A tags-code match is allowed to be a
// false positive (hash collisions are resolved by the client comparing the real tag), never
// a false negative. Implementations must be thread-safe for concurrent reads (they are
// immutable once built).
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/commit_log_codec.h"

namespace tern::engine {

class MessageFilter {
 public:
  virtual ~MessageFilter() = default;
  virtual bool MatchByTagsCode(int64_t tags_code) const = 0;
  virtual bool MatchByRecord(const RecordView& record) const { return true; }
  virtual bool MatchByProperties(std::string_view properties) const { return true; }
};

}  // namespace tern::engine
