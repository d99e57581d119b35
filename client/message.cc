#include "client/message.h"

#include <fmt/format.h>

#include <optional>

#include "client/body_codec.h"
#include "engine/base/strings.h"
#include "engine/commit_log_codec.h"
#include "engine/properties.h"

namespace tern::client {

std::string_view MessageExt::Property(std::string_view name) const {
  auto it = properties.find(std::string(name));
  return it == properties.end() ? std::string_view() : std::string_view(it->second);
}
std::string_view MessageExt::tags() const { return Property(engine::property::kTags); }
std::string_view MessageExt::keys() const { return Property(engine::property::kKeys); }

absl::StatusOr<std::vector<MessageExt>> DecodeMessages(ByteSpan body) {
  std::vector<MessageExt> out;
  out.reserve(32);  // a pull's default batch
  // Consecutive messages mostly share their hosts: format each distinct one once.
  std::optional<engine::HostPort> last_born;
  std::optional<engine::HostPort> last_store;
  size_t pos = 0;
  while (pos < body.size()) {
    const engine::DecodeResult d =
        engine::DecodeRecord(body.subspan(pos), engine::CrcCheck::kVerify);
    if (d.status != engine::DecodeStatus::kRecord) {
      return absl::DataLossError(fmt::format("message at byte {} of the response is {}", pos,
                                             d.status == engine::DecodeStatus::kBlank
                                                 ? std::string_view("a BLANK filler")
                                                 : engine::CorruptionName(d.corruption)));
    }
    const engine::RecordView& r = d.record;
    MessageExt m;
    m.topic = std::string(r.topic);
    m.queue_id = r.queue_id;
    m.queue_offset = r.queue_offset;
    m.commit_log_offset = r.physical_offset;
    m.store_size = r.total_size();
    m.sys_flag = r.sys_flag;
    m.flag = r.flag;
    m.reconsume_times = r.reconsume_times;
    m.born_timestamp = r.born_timestamp;
    m.store_timestamp = r.store_timestamp;
    m.born_host = last_born == r.born_host ? out.back().born_host : r.born_host.ToString();
    m.store_host = last_store == r.store_host ? out.back().store_host : r.store_host.ToString();
    m.offset_msg_id = engine::OffsetMessageId(r.store_host, PhysicalOffset(r.physical_offset));
    engine::ForEachProperty(r.properties, [&](std::string_view k, std::string_view v) {
      m.properties[std::string(k)] = std::string(v);
    });
    if ((r.sys_flag & kSysFlagCompressed) != 0) {
      absl::StatusOr<std::string> inflated = Inflate(r.body, r.sys_flag);
      if (!inflated.ok()) {
        return absl::DataLossError(
            fmt::format("message {}: {}", m.offset_msg_id, MessageOf(inflated.status())));
      }
      m.body = std::move(*inflated);
    } else {
      m.body.assign(reinterpret_cast<const char*>(r.body.data()), r.body.size());
    }
    const std::string_view uniq = m.Property(engine::property::kUniqueClientMessageIdKey);
    m.msg_id = uniq.empty() ? m.offset_msg_id : std::string(uniq);
    out.push_back(std::move(m));
    last_born = r.born_host;
    last_store = r.store_host;
    pos += static_cast<size_t>(r.total_size());
  }
  return out;
}

}  // namespace tern::client
