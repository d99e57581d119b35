// Fuzzes the fastjson-dialect parser and the typed config documents decoded from it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/metadata/consumer_offset.h"
#include "engine/metadata/delay_offset.h"
#include "engine/metadata/fastjson.h"
#include "engine/metadata/subscription_group.h"
#include "engine/metadata/topic_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::engine::metadata;  // NOLINT(google-build-using-namespace)
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  rapidjson::Document doc;
  (void)ParseFastjson(in, doc);
  if (auto t = TopicConfigFile::Decode(in); t.ok()) (void)TopicConfigFile::Decode(t->Encode());
  if (auto c = ConsumerOffsetFile::Decode(in); c.ok())
    (void)ConsumerOffsetFile::Decode(c->Encode());
  (void)DelayOffsetFile::Decode(in);
  (void)SubscriptionGroupFile::Decode(in);
  return 0;
}
