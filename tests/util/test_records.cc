#include "tests/util/test_records.h"

#include "engine/base/check.h"
#include "engine/properties.h"

namespace tern::testing {

TestMessage& TestMessage::WithTag(const std::string& tag) {
  return WithProperty(std::string(engine::property::kTags), tag);
}
TestMessage& TestMessage::WithKeys(const std::string& keys) {
  return WithProperty(std::string(engine::property::kKeys), keys);
}
TestMessage& TestMessage::WithUniqKey(const std::string& key) {
  return WithProperty(std::string(engine::property::kUniqueClientMessageIdKey), key);
}
TestMessage& TestMessage::WithProperty(const std::string& name, const std::string& value) {
  engine::AppendProperty(&properties, name, value);
  return *this;
}

engine::MessageToStore TestMessage::View() const {
  engine::MessageToStore m;
  m.topic = topic;
  m.queue_id = queue_id;
  m.body = AsBytes(body);
  m.properties = properties;
  m.sys_flag = sys_flag;
  m.flag = flag;
  m.born_timestamp = born_timestamp;
  m.born_host = born_host;
  m.store_host = store_host;
  return m;
}

std::vector<uint8_t> TestMessage::Encode() const {
  const engine::MessageToStore m = View();
  absl::StatusOr<size_t> size = engine::EncodedRecordSize(m);
  TERN_CHECK(size.ok());
  std::vector<uint8_t> out(*size);
  engine::EncodeRecord(m, out);
  return out;
}

}  // namespace tern::testing
