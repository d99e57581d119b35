// Fuzzes every JSON / text body decoder of the protocol and the metadata files: the first byte
// picks the decoder, the rest is the body. Any input decodes or fails with a Status; nothing
// crashes, leaks or reads out of bounds (ASan/UBSan), and a body that decodes re-encodes to
// something that decodes again where the type has an encoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/base/check.h"
#include "engine/metadata/consumer_offset.h"
#include "engine/metadata/delay_offset.h"
#include "engine/metadata/subscription_group.h"
#include "engine/metadata/topic_config.h"
#include "server/broker/broker_config.h"
#include "server/broker/heartbeat.h"
#include "server/namesrv/kv_config_manager.h"
#include "server/protocol/cluster_info.h"
#include "server/protocol/java_properties.h"
#include "server/protocol/kv_table.h"
#include "server/protocol/register_broker_body.h"
#include "server/protocol/route_data.h"
#include "server/protocol/subscription.h"
#include "server/protocol/topic_config_wrapper.h"
#include "server/protocol/topic_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace tern;  // NOLINT(google-build-using-namespace)
  switch (data[0] % 16) {
    case 0:
      (void)protocol::ClusterInfo::Decode(body);
      break;
    case 1:
      (void)protocol::ParseJavaProperties(body);
      break;
    case 2:
      (void)protocol::KVTable::Decode(body);
      break;
    case 3:
      (void)protocol::RegisterBrokerBody::Decode(body, /*compressed=*/false);
      break;
    case 4:
      (void)protocol::RegisterBrokerBody::Decode(body, /*compressed=*/true);
      break;
    case 5: {
      absl::StatusOr<protocol::TopicRouteData> r = protocol::TopicRouteData::Decode(body);
      if (r.ok()) TERN_CHECK(protocol::TopicRouteData::Decode(r->Encode()).ok());
      break;
    }
    case 6:
      (void)protocol::DecodeDataVersion(body);
      break;
    case 7:
      (void)protocol::TopicConfigSerializeWrapper::Decode(body);
      break;
    case 8:
      (void)protocol::TopicList::Decode(body);
      break;
    case 9:
      (void)broker::ParseBrokerConfig(body);
      break;
    case 10:
      (void)broker::DecodeHeartbeat(body);
      break;
    case 11:
      (void)namesrv::KvConfigFile::Decode(body);
      break;
    case 12:
      (void)engine::metadata::ConsumerOffsetFile::Decode(body);
      break;
    case 13:
      (void)engine::metadata::DelayOffsetFile::Decode(body);
      break;
    case 14:
      (void)engine::metadata::SubscriptionGroupFile::Decode(body);
      break;
    case 15: {
      (void)engine::metadata::TopicConfigFile::Decode(body);
      (void)protocol::BuildSubscription("T", body, "TAG", 1);
      break;
    }
  }
  return 0;
}
