#include "server/broker/timer_wheel.h"

#include <algorithm>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::broker {

void TimerWheel::Add(const Entry& e) {
  slots_[SlotOf(e.deliver_ms)].push_back(e);
  offsets_.insert(e.queue_offset);
}

std::vector<TimerWheel::Entry> TimerWheel::PopDue(int64_t now_ms, size_t max) {
  std::vector<Entry> out;
  while (!slots_.empty() && out.size() < max) {
    auto it = slots_.begin();
    if (it->first > SlotOf(now_ms)) break;
    std::vector<Entry>& slot = it->second;
    // Earliest last, so the due ones are popped from the back in time order.
    std::sort(slot.begin(), slot.end(), [](const Entry& a, const Entry& b) {
      return a.deliver_ms != b.deliver_ms ? a.deliver_ms > b.deliver_ms
                                          : a.queue_offset > b.queue_offset;
    });
    while (!slot.empty() && slot.back().deliver_ms <= now_ms && out.size() < max) {
      out.push_back(slot.back());
      offsets_.erase(offsets_.find(slot.back().queue_offset));
      slot.pop_back();
    }
    if (!slot.empty()) break;  // the rest of this slot is not due yet (or max reached)
    slots_.erase(it);
  }
  return out;
}

std::optional<int64_t> TimerWheel::NextDue() const {
  if (slots_.empty()) return std::nullopt;
  const std::vector<Entry>& slot = slots_.begin()->second;
  int64_t due = slot.front().deliver_ms;
  for (const Entry& e : slot) due = std::min(due, e.deliver_ms);
  return due;
}

std::optional<int64_t> TimerWheel::MinQueueOffset() const {
  if (offsets_.empty()) return std::nullopt;
  return *offsets_.begin();
}

std::string TimerProgress::Encode() const {
  engine::metadata::FastjsonWriter w;
  w.BeginObject();
  w.Key("deliveredUpTo");
  w.Int(delivered_up_to);
  w.Key("ingestOffset");
  w.Int(ingest_offset);
  w.Key("scanOffset");
  w.Int(scan_offset);
  w.EndObject();
  return std::move(w).Finish();
}

absl::StatusOr<TimerProgress> TimerProgress::Decode(std::string_view text) {
  using namespace engine::metadata;  // NOLINT(google-build-using-namespace)
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseFastjson(text, doc));
  TERN_RETURN_IF_ERROR(ExpectObject(doc, "$"));
  TimerProgress p;
  TERN_RETURN_IF_ERROR(ReadMember(doc, "deliveredUpTo", "$", p.delivered_up_to));
  TERN_RETURN_IF_ERROR(ReadMember(doc, "ingestOffset", "$", p.ingest_offset));
  TERN_RETURN_IF_ERROR(ReadMember(doc, "scanOffset", "$", p.scan_offset));
  if (p.scan_offset < 0 || p.scan_offset > p.ingest_offset) {
    return absl::InvalidArgumentError("$.scanOffset must be between 0 and $.ingestOffset");
  }
  return p;
}

}  // namespace tern::broker
