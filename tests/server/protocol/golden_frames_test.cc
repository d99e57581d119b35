// Golden tests against the Java 4.8.0 recording: every REGISTER_BROKER body the broker sent
// and every route, cluster-info and topic-list body the Java name server answered decodes,
// re-encodes to the same JSON (compared semantically) and our encoding is strict JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "engine/base/crc32.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/cluster_info.h"
#include "server/protocol/register_broker_body.h"
#include "server/protocol/route_data.h"
#include "server/protocol/topic_list.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"
#include "tests/server/protocol/recorded_frames.h"

namespace tern::protocol {
namespace {

namespace md = engine::metadata;
namespace code = remoting::request;
using testing::NameServerRequests;
using testing::RecordedFrame;
using testing::ResponseTo;

rapidjson::Document ParseLenient(std::string_view text) {
  rapidjson::Document doc;
  const absl::Status s = md::ParseFastjson(text, doc);
  EXPECT_TRUE(s.ok()) << s;
  return doc;
}

rapidjson::Document ParseStrict(std::string_view text) {
  rapidjson::Document doc;
  const absl::Status s = md::ParseStrictJson(text, doc);
  EXPECT_TRUE(s.ok()) << s << "\n" << text;
  return doc;
}

// Bodies of the successful responses the Java name server sent to requests with `code`.
std::vector<std::string> ResponseBodies(int32_t code) {
  std::vector<std::string> bodies;
  for (const RecordedFrame* request : NameServerRequests(code)) {
    const RecordedFrame* response = ResponseTo(*request);
    if (response == nullptr || response->command.code != remoting::response::kSuccess) continue;
    if (!response->body.has_value()) continue;
    bodies.push_back(*response->body);
  }
  return bodies;
}

TEST(GoldenRegisterBroker, EveryRecordedBodyDecodesAndReencodesToTheSameJson) {
  const std::vector<const RecordedFrame*> requests = NameServerRequests(code::kRegisterBroker);
  ASSERT_EQ(requests.size(), 41u) << "the recording's REGISTER_BROKER count";
  size_t incremental = 0;
  for (const RecordedFrame* request : requests) {
    SCOPED_TRACE(::testing::Message() << "frames.jsonl line " << request->line);
    ASSERT_TRUE(request->body.has_value());
    const bool compressed = remoting::OptionalBool(request->command, "compressed", false);
    EXPECT_FALSE(compressed);
    absl::StatusOr<RegisterBrokerBody> body =
        RegisterBrokerBody::Decode(*request->body, compressed);
    ASSERT_TRUE(body.ok()) << body.status();
    const auto& table = body->topic_config_serialize_wrapper.topic_config_table;
    ASSERT_FALSE(table.empty());
    if (table.size() == 1) ++incremental;
    for (const auto& [name, config] : table) EXPECT_EQ(name, config.topic_name);

    const std::string ours = body->Encode();
    EXPECT_TRUE(ParseLenient(*request->body) == ParseStrict(ours)) << ours;
    // The compressed form carries the same topics (minus sysFlag/order, all default here).
    absl::StatusOr<RegisterBrokerBody> via_zlib =
        RegisterBrokerBody::Decode(body->EncodeCompressed(), true);
    ASSERT_TRUE(via_zlib.ok()) << via_zlib.status();
    EXPECT_EQ(*via_zlib, *body);
  }
  EXPECT_EQ(incremental, 16u) << "protocol.md 2.3: 16 single-topic registrations";
}

TEST(GoldenRegisterBroker, RecordedBodyCrcsMatchTheMaskedCrc32) {
  for (const RecordedFrame* request : NameServerRequests(code::kRegisterBroker)) {
    const std::optional<int32_t> crc = remoting::ParseJavaInt(*request->command.Field("bodyCrc32"));
    ASSERT_TRUE(crc.has_value());
    EXPECT_EQ(RocketMqCrc(AsBytes(*request->body)), *crc) << "line " << request->line;
  }
}

TEST(GoldenRoute, EveryRecordedRouteDecodesAndReencodesAsStrictJson) {
  const std::vector<std::string> bodies = ResponseBodies(code::kGetRouteinfoByTopic);
  ASSERT_GT(bodies.size(), 200u);
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    // The 4.8.0 body uses bare brokerId keys: not standard JSON.
    rapidjson::Document strict;
    EXPECT_FALSE(md::ParseStrictJson(body, strict).ok());
    absl::StatusOr<TopicRouteData> route = TopicRouteData::Decode(body);
    ASSERT_TRUE(route.ok()) << route.status();
    ASSERT_FALSE(route->queue_datas.empty());
    ASSERT_FALSE(route->broker_datas.empty());
    EXPECT_TRUE(route->filter_server_table.empty());

    const std::string ours = route->Encode();
    rapidjson::Document ours_doc = ParseStrict(ours);
    rapidjson::Document java_doc = ParseLenient(body);
    // Same members as Java's, plus 4.9's topicSysFlag spelling next to topicSynFlag.
    for (auto& q : ours_doc["queueDatas"].GetArray()) {
      ASSERT_TRUE(q.HasMember("topicSysFlag"));
      EXPECT_EQ(q["topicSysFlag"], q["topicSynFlag"]);
      q.RemoveMember("topicSysFlag");
    }
    EXPECT_TRUE(java_doc == ours_doc) << ours;
    EXPECT_EQ(TopicRouteData::Decode(ours).value(), *route);
  }
}

TEST(GoldenClusterInfo, EveryRecordedBodyRoundTrips) {
  const std::vector<std::string> bodies = ResponseBodies(code::kGetBrokerClusterInfo);
  ASSERT_EQ(bodies.size(), 19u);
  for (const std::string& body : bodies) {
    absl::StatusOr<ClusterInfo> info = ClusterInfo::Decode(body);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->cluster_addr_table.at("DefaultCluster"), std::set<std::string>{"broker-a"});
    EXPECT_TRUE(ParseLenient(body) == ParseStrict(info->Encode())) << info->Encode();
  }
}

TEST(GoldenTopicList, EveryRecordedBodyRoundTrips) {
  const std::vector<std::string> bodies = ResponseBodies(code::kGetAllTopicListFromNameserver);
  ASSERT_EQ(bodies.size(), 3u);
  for (const std::string& body : bodies) {
    absl::StatusOr<TopicList> list = TopicList::Decode(body);
    ASSERT_TRUE(list.ok()) << list.status();
    EXPECT_GT(list->topic_list.size(), 30u);
    EXPECT_FALSE(list->broker_addr.has_value());
    EXPECT_TRUE(ParseLenient(body) == ParseStrict(list->Encode()));
  }
}

}  // namespace
}  // namespace tern::protocol
