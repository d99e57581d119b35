#include "server/broker/reput.h"

#include <algorithm>
#include <charconv>

#include "engine/properties.h"

namespace tern::broker {

std::string EditProperties(std::string_view props, std::initializer_list<PropertyEdit> set,
                           std::initializer_list<std::string_view> remove) {
  std::string out;
  out.reserve(props.size() + 64);
  engine::ForEachProperty(props, [&](std::string_view name, std::string_view value) {
    const bool dropped =
        std::find(remove.begin(), remove.end(), name) != remove.end() ||
        std::any_of(set.begin(), set.end(), [&](const PropertyEdit& e) { return e.first == name; });
    if (!dropped) engine::AppendProperty(&out, name, value);
  });
  for (const auto& [name, value] : set) engine::AppendProperty(&out, name, value);
  return out;
}

engine::MessageToStore CopyRecord(const engine::RecordView& r) {
  engine::MessageToStore m;
  m.topic = r.topic;
  m.queue_id = r.queue_id;
  m.flag = r.flag;
  m.sys_flag = r.sys_flag;
  m.born_timestamp = r.born_timestamp;
  m.born_host = r.born_host;
  m.store_host = r.store_host;
  m.reconsume_times = r.reconsume_times;
  m.body = r.body;
  m.properties = r.properties;
  return m;
}

std::optional<engine::FoundMessage> ReadQueueRecord(engine::MessageStore& store,
                                                    std::string_view topic, int32_t queue,
                                                    int64_t offset) {
  std::shared_ptr<engine::ConsumeQueue> cq =
      store.queues().Find(engine::QueueKeyView{topic, queue});
  if (!cq) return std::nullopt;
  const std::optional<engine::CqUnit> unit = cq->Get(offset);
  if (!unit || unit->is_filler()) return std::nullopt;
  std::optional<engine::FoundMessage> found =
      store.reader().LookupMessage(PhysicalOffset(unit->physical_offset));
  if (!found || found->record.topic != topic || found->record.queue_id != queue) {
    return std::nullopt;
  }
  return found;
}

std::optional<int64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace tern::broker
