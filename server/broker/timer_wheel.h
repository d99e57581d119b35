// timer_wheel.h: the in-memory index of pending timer messages, and the progress record that
// lets it be rebuilt from the log after a restart (see timer_service.h for the design).
//
// TimerWheel keeps entries in one-second slots (a sparse, ordered "wheel": only slots that
// hold entries exist), so adding and popping cost O(log slots) and a due slot is taken whole.
// It also tracks the lowest pending ConsumeQueue offset, which bounds the rebuild scan.
// Not thread-safe: owned by the timer service's thread (or its owner while that is stopped).
//
// TimerProgress is config/timerProgress.json:
//   {"deliveredUpTo":W,"ingestOffset":I,"scanOffset":S}
// meaning: every rmq_sys_wheel_timer unit below I with a delivery time <= W was delivered
// durably; every unit below S was delivered; units from S up are scanned again at start.
// Plain value type; Encode/Decode are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tern::broker {

class TimerWheel {
 public:
  struct Entry {
    int64_t deliver_ms = 0;
    int64_t queue_offset = 0;     // in rmq_sys_wheel_timer queue 0
    int64_t physical_offset = 0;  // of the stored timer record
    bool operator==(const Entry&) const = default;
  };

  void Add(const Entry& e);
  // Removes and returns the entries due at `now_ms` (deliver_ms <= now_ms), earliest first,
  // at most `max` of them.
  std::vector<Entry> PopDue(int64_t now_ms, size_t max);
  // Earliest delivery time, if any entry is pending.
  std::optional<int64_t> NextDue() const;
  // Lowest queue offset of a pending entry.
  std::optional<int64_t> MinQueueOffset() const;
  size_t size() const { return offsets_.size(); }
  bool empty() const { return offsets_.empty(); }

 private:
  static int64_t SlotOf(int64_t ms) { return ms >= 0 ? ms / 1000 : (ms - 999) / 1000; }
  std::map<int64_t, std::vector<Entry>> slots_;  // second -> entries (unordered within)
  std::multiset<int64_t> offsets_;
};

struct TimerProgress {
  int64_t delivered_up_to = 0;  // W
  int64_t ingest_offset = 0;    // I
  int64_t scan_offset = 0;      // S

  bool operator==(const TimerProgress&) const = default;
  std::string Encode() const;
  // InvalidArgument for anything but an object with integer members (missing ones stay 0);
  // S <= I is required.
  static absl::StatusOr<TimerProgress> Decode(std::string_view text);
};

}  // namespace tern::broker
