// The admin bodies' decoders against what the Java 4.8.0 broker sends: bodies captured from a
// live broker (tests/testdata/java-4.8.0/admin/) and every 202/208/300/315/28 response in the
// 4.8.0 recording (frames.jsonl), plus fastjson's leniencies and malformed input.
#include "client/admin/admin_bodies.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "client/admin/bean_key_json.h"
#include "engine/metadata/subscription_group.h"
#include "server/protocol/kv_table.h"
#include "server/protocol/reset_offset_body.h"
#include "server/remoting/codes.h"
#include "tests/server/protocol/recorded_frames.h"
#include "tests/util/temp_dir.h"

namespace tern::client::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace req = remoting::request;

std::string Captured(const std::string& name) {
  std::ifstream in(tern::testing::TestDataDir() + "/java-4.8.0/admin/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Bodies of the successful broker responses to requests with `code` in the recording.
std::vector<std::string> RecordedBodies(int32_t code) {
  std::vector<std::string> out;
  for (const protocol::testing::RecordedFrame& f : protocol::testing::RecordedFrames()) {
    if (!f.to_server || f.command.code != code || f.server_port == 19876) continue;
    const protocol::testing::RecordedFrame* r = protocol::testing::ResponseTo(f);
    if (r == nullptr || r->command.code != 0 || !r->body || r->body->empty()) continue;
    out.push_back(*r->body);
  }
  return out;
}

MessageQueue Mq(std::string topic, int32_t id) { return {std::move(topic), "broker-a", id}; }

TEST(BeanKeyJson, QuotesObjectKeysAndLeavesEverythingElse) {
  absl::StatusOr<std::string> q =
      QuoteBeanKeys(R"({"a":{{"brokerName":"b","queueId":0,"topic":"T"}:5},"s":"{x}:","n":[{}]})");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(
      *q,
      R"({"a":{"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}":5},"s":"{x}:","n":[{}]})");
  absl::StatusOr<MessageQueue> mq = ReadMessageQueueKey(R"({"topic":"T","queueId":"3",
      "brokerName":"b","extra":[1]})",
                                                        "$");
  ASSERT_TRUE(mq.ok()) << mq.status();
  EXPECT_EQ(*mq, (MessageQueue{"T", "b", 3}));
}

TEST(BeanKeyJson, RejectsBrokenInputWithAnOffset) {
  for (std::string_view bad : {R"({"a":{{"topic":"T"}:1)", R"({"a":"x)", "}", R"({{"t":1}})"}) {
    rapidjson::Document doc;
    absl::Status s = ParseBeanKeyedBody(bad, doc);
    EXPECT_FALSE(s.ok()) << bad;
  }
  EXPECT_FALSE(ReadMessageQueueKey(R"({"brokerName":"b"})", "$").ok());
  EXPECT_FALSE(ReadMessageQueueKey("[1]", "$").ok());
  std::string deep(200, '[');
  EXPECT_THAT(std::string(QuoteBeanKeys(deep).status().message()), HasSubstr("nesting"));
}

TEST(TopicStats, DecodesTheJavaBody) {
  absl::StatusOr<TopicStatsTable> t =
      TopicStatsTable::Decode(Captured("java_202_topic_stats.json"));
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->offset_table.size(), 4u);
  const TopicOffset& q0 = t->offset_table.at(Mq("TopicTest", 0));
  EXPECT_EQ(q0.min_offset, 0);
  EXPECT_EQ(q0.max_offset, 250);
  EXPECT_GT(q0.last_update_timestamp, 0);
  for (const std::string& body : RecordedBodies(req::kGetTopicStatsInfo)) {
    absl::StatusOr<TopicStatsTable> r = TopicStatsTable::Decode(body);
    ASSERT_TRUE(r.ok()) << r.status() << "\n" << body;
    EXPECT_EQ(r->offset_table.at(Mq("CapTopic", 3)).max_offset, 1);
  }
}

TEST(ConsumeStats, DecodesJavaBodiesWithTheirTps) {
  absl::StatusOr<ConsumeStats> s = ConsumeStats::Decode(Captured("java_208_consume_stats.json"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->offset_table.size(), 5u);
  EXPECT_EQ(s->offset_table.at(Mq("TopicTest", 2)).broker_offset, 250);
  EXPECT_EQ(s->TotalDiff(), 0);
  const std::vector<std::string> recorded = RecordedBodies(req::kGetConsumeStats);
  ASSERT_GE(recorded.size(), 20u);
  bool saw_tps = false, saw_lag = false;
  for (const std::string& body : recorded) {
    absl::StatusOr<ConsumeStats> r = ConsumeStats::Decode(body);
    ASSERT_TRUE(r.ok()) << r.status() << "\n" << body;
    saw_tps |= r->consume_tps > 0.09;
    saw_lag |= r->TotalDiff() > 0;
  }
  EXPECT_TRUE(saw_tps);
  EXPECT_TRUE(saw_lag);
}

TEST(ConsumeStats, AcceptsFastjsonLeniencies) {
  absl::StatusOr<ConsumeStats> s = ConsumeStats::Decode(
      R"({ "offsetTable" : { { "topic":"T", "queueId":"1", "brokerName":"b" } : )"
      R"({"consumerOffset":"3","brokerOffset":7,"unknown":{"x":[1]}} }, "consumeTps":"1.5", )"
      R"("other":null })");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->consume_tps, 1.5);
  EXPECT_EQ(s->offset_table.at(MessageQueue{"T", "b", 1}), (OffsetWrapper{7, 3, 0}));
  EXPECT_TRUE(ConsumeStats::Decode(R"({"offsetTable":null})").ok());
  EXPECT_FALSE(ConsumeStats::Decode(R"({"offsetTable":{{"topic":"T"}:{}}})").ok());
  EXPECT_FALSE(ConsumeStats::Decode(R"({"consumeTps":"fast"})").ok());
}

TEST(ConsumerConnection, DecodesTheJavaBody) {
  absl::StatusOr<ConsumerConnection> c =
      ConsumerConnection::Decode(Captured("java_203_consumer_connection.json"));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->connection_set.size(), 1u);
  EXPECT_EQ(c->connection_set[0].language, "JAVA");
  EXPECT_EQ(c->connection_set[0].version, 373);
  EXPECT_EQ(VersionDesc(c->MinVersion()), "V4_8_0");
  EXPECT_EQ(c->consume_type, "CONSUME_PASSIVELY");
  EXPECT_EQ(c->message_model, "CLUSTERING");
  EXPECT_EQ(c->consume_from_where, "CONSUME_FROM_FIRST_OFFSET");
  ASSERT_EQ(c->subscription_table.count("TopicTest"), 1u);
  EXPECT_EQ(c->subscription_table.at("TopicTest").sub_string, "*");
}

TEST(ConsumerConnection, ReadsEnumOrdinals) {
  absl::StatusOr<ConsumerConnection> c = ConsumerConnection::Decode(
      R"({"connectionSet":[{"clientId":"c","language":9,"version":"401"}],"consumeType":0,)"
      R"("messageModel":"0","subscriptionTable":{"T":{"subString":"a || b","tagsSet":["a","b"]}}})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->connection_set[0].language, "GO");
  EXPECT_EQ(c->consume_type, "CONSUME_ACTIVELY");
  EXPECT_EQ(c->message_model, "BROADCASTING");
  EXPECT_EQ(c->subscription_table.at("T").topic, "T");
  EXPECT_THAT(c->subscription_table.at("T").tags, ElementsAre("a", "b"));
  EXPECT_FALSE(ConsumerConnection::Decode(R"({"consumeType":7})").ok());
  EXPECT_FALSE(ConsumerConnection::Decode(R"({"connectionSet":{}})").ok());
}

TEST(ProducerConnection, DecodesTheJavaBody) {
  absl::StatusOr<ProducerConnection> p =
      ProducerConnection::Decode(Captured("java_204_producer_connection.json"));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->connection_set.size(), 1u);
  EXPECT_EQ(p->connection_set[0].client_addr, "127.0.0.1:45670");
}

TEST(GroupList, DecodesJavaBodies) {
  absl::StatusOr<GroupList> g = GroupList::Decode(Captured("java_300_group_list.json"));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_THAT(g->group_list, ElementsAre("GadmClone", "please_rename_unique_group_name_4"));
  for (const std::string& body : RecordedBodies(req::kQueryTopicConsumeByWho)) {
    EXPECT_TRUE(GroupList::Decode(body).ok()) << body;
  }
}

TEST(BrokerStatsData, DecodesJavaBodies) {
  absl::StatusOr<BrokerStatsData> d = BrokerStatsData::Decode(Captured("java_315_stats.json"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->Sum24Hour(), 0);
  const std::vector<std::string> recorded = RecordedBodies(req::kViewBrokerStatsData);
  ASSERT_FALSE(recorded.empty());
  int64_t sum = 0;
  for (const std::string& body : recorded) {
    absl::StatusOr<BrokerStatsData> r = BrokerStatsData::Decode(body);
    ASSERT_TRUE(r.ok()) << r.status();
    sum += r->Sum24Hour();
  }
  EXPECT_GT(sum, 0);
  absl::StatusOr<BrokerStatsData> m = BrokerStatsData::Decode(
      R"({"statsMinute":{"sum":5,"tps":0.5,"avgpt":1.0},"statsHour":{"sum":9}})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Sum24Hour(), 9);
  EXPECT_DOUBLE_EQ(m->stats_minute.tps, 0.5);
}

TEST(ConsumerRunningInfo, DecodesTheJavaBody) {
  absl::StatusOr<ConsumerRunningInfo> info =
      ConsumerRunningInfo::Decode(Captured("java_307_running_info.json"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->properties.at("consumerGroup"), "please_rename_unique_group_name_4");
  EXPECT_EQ(info->properties.at("PROP_CONSUME_TYPE"), "CONSUME_PASSIVELY");
  ASSERT_EQ(info->subscription_set.size(), 2u);
  EXPECT_EQ(info->subscription_set[1].topic, "TopicTest");
  EXPECT_EQ(info->mq_table.size(), 5u);
  EXPECT_EQ(info->mq_table.count(Mq("TopicTest", 3)), 1u);
}

TEST(ConsumeMessageDirectlyResult, DecodesTheJavaBody) {
  absl::StatusOr<ConsumeMessageDirectlyResult> r =
      ConsumeMessageDirectlyResult::Decode(Captured("java_309_consume_directly.json"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->consume_result, "CR_SUCCESS");
  EXPECT_TRUE(r->auto_commit);
  EXPECT_EQ(r->ToString(),
            "ConsumeMessageDirectlyResult [order=false, autoCommit=true, consumeResult=CR_SUCCESS, "
            "remark=null, spentTimeMills=0]");
  absl::StatusOr<ConsumeMessageDirectlyResult> ordinal =
      ConsumeMessageDirectlyResult::Decode(R"({"consumeResult":1,"remark":"later"})");
  ASSERT_TRUE(ordinal.ok());
  EXPECT_EQ(ordinal->consume_result, "CR_LATER");
  EXPECT_FALSE(ConsumeMessageDirectlyResult::Decode(R"({"consumeResult":9})").ok());
}

TEST(OtherJavaBodies, DecodeWithTheSharedDecoders) {
  absl::StatusOr<engine::metadata::SubscriptionGroupFile> groups =
      engine::metadata::SubscriptionGroupFile::Decode(
          Captured("java_201_subscription_groups.json"));
  ASSERT_TRUE(groups.ok()) << groups.status();
  EXPECT_EQ(groups->subscription_group_table.count("please_rename_unique_group_name_4"), 1u);
  absl::StatusOr<protocol::ResetOffsetBody> reset =
      protocol::ResetOffsetBody::Decode(Captured("java_222_reset_offset.json"));
  ASSERT_TRUE(reset.ok()) << reset.status();
  EXPECT_EQ(reset->offset_table.size(), 4u);
  for (const std::string& body : RecordedBodies(req::kGetBrokerRuntimeInfo)) {
    absl::StatusOr<protocol::KVTable> kv = protocol::KVTable::Decode(body);
    ASSERT_TRUE(kv.ok()) << kv.status();
    EXPECT_EQ(kv->table.at("brokerVersionDesc"), "V4_8_0");
  }
}

TEST(VersionDesc, MatchesMqVersionOrdinals) {
  EXPECT_EQ(VersionDesc(0), "V3_0_0_SNAPSHOT");
  EXPECT_EQ(VersionDesc(37), "V3_0_11");
  EXPECT_EQ(VersionDesc(121), "V3_4_9");
  EXPECT_EQ(VersionDesc(373), "V4_8_0");
  EXPECT_EQ(VersionDesc(401), "V4_9_4");
  EXPECT_EQ(VersionDesc(409), "V4_9_8");
  EXPECT_EQ(VersionDesc(100000), "HIGHER_VERSION");
}

}  // namespace
}  // namespace tern::client::admin
