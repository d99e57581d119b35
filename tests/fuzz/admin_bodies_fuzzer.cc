// Fuzzes what `tern admin` decodes from brokers: every client/admin body decoder and the
// bean-key normalizer under them, on the same bytes. Any input decodes or fails with a
// Status; nothing crashes, reads out of bounds or recurses without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/admin/admin_bodies.h"
#include "client/admin/bean_key_json.h"
#include "engine/base/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::client::admin;  // NOLINT(google-build-using-namespace)
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::string> quoted = QuoteBeanKeys(text);
  if (quoted.ok()) TERN_CHECK(quoted->size() >= text.size());
  (void)TopicStatsTable::Decode(text);
  (void)ConsumeStats::Decode(text);
  (void)ConsumerConnection::Decode(text);
  (void)ProducerConnection::Decode(text);
  (void)GroupList::Decode(text);
  (void)BrokerStatsData::Decode(text);
  (void)ConsumerRunningInfo::Decode(text);
  (void)ConsumeMessageDirectlyResult::Decode(text);
  (void)ReadMessageQueueKey(text, "$");
  return 0;
}
