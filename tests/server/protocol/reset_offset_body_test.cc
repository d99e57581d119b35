// The MessageQueue-keyed map parser and ResetOffsetBody: Java's exact bytes, the
// ResetOffsetBodyForC form, fastjson leniency, and every error naming its byte offset.
#include "server/protocol/reset_offset_body.h"

#include <gtest/gtest.h>

#include <string>

namespace tern::protocol {
namespace {

TEST(ResetOffsetBody, EncodesAsJavaDoesAndDecodesBack) {
  ResetOffsetBody b;
  b.offset_table[{"T", "broker-a", 0}] = 5;
  b.offset_table[{"T", "broker-a", 1}] = 7;
  const std::string java = R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5,)"
                           R"({"brokerName":"broker-a","queueId":1,"topic":"T"}:7}})";
  EXPECT_EQ(b.Encode(), java);
  EXPECT_EQ(ResetOffsetBody::Decode(java).value(), b);
  const std::string for_c =
      R"({"offsetTable":[{"brokerName":"broker-a","offset":5,"queueId":0,"topic":"T"},)"
      R"({"brokerName":"broker-a","offset":7,"queueId":1,"topic":"T"}]})";
  EXPECT_EQ(b.EncodeForC(), for_c);
  EXPECT_EQ(ResetOffsetBody::Decode(for_c).value(), b);
}

TEST(ResetOffsetBody, AcceptsFastjsonLeniency) {
  absl::StatusOr<ResetOffsetBody> b = ResetOffsetBody::Decode(
      " { \"other\" : [1, {\"x\":{}}], offsetTable : { { topic : 'T\\u00e9', \"queueId\":\"4\", "
      "\"unknown\":null, \"brokerName\":\"b\" } : \"-1\" , {\"topic\":\"T\",\"queueId\":4,"
      "\"brokerName\":\"b\"}:8L } } ");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->offset_table.size(), 2u);
  EXPECT_EQ(b->offset_table.at({"T\xc3\xa9", "b", 4}), -1);
  EXPECT_EQ(b->offset_table.at({"T", "b", 4}), 8);
  EXPECT_TRUE(ResetOffsetBody::Decode(R"({"offsetTable":{}})")->offset_table.empty());
  EXPECT_TRUE(ResetOffsetBody::Decode(R"({"offsetTable":null})")->offset_table.empty());
  EXPECT_TRUE(ResetOffsetBody::Decode(R"({})")->offset_table.empty());
}

TEST(ResetOffsetBody, RejectsMalformedInputNamingTheByte) {
  for (const char* bad : {"", "[]", "{\"offsetTable\":{{\"topic\":\"T\"}:1}}",
                          "{\"offsetTable\":{{\"topic\":\"T\",\"queueId\":0}:x}}",
                          "{\"offsetTable\":{{\"topic\":\"T\",\"queueId\":0}:1",
                          "{\"offsetTable\":[{\"topic\":\"T\",\"queueId\":0}]}",
                          "{\"offsetTable\":{{\"topic\":\"T\",\"queueId\":99999999999}:1}}",
                          "{\"offsetTable\":{{\"topic\":\"T\\u12\",\"queueId\":0}:1}}"}) {
    absl::StatusOr<ResetOffsetBody> b = ResetOffsetBody::Decode(bad);
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(std::string(b.status().message()).find("at byte"), std::string::npos);
  }
  std::string deep = "{\"x\":";
  for (int i = 0; i < 10000; ++i) deep += "[";
  EXPECT_FALSE(ResetOffsetBody::Decode(deep).ok());
}

TEST(ConsumerStatusBody, EncodesAsJavaDoesAndDecodesBack) {
  ConsumerStatusBody b;
  b.consumer_table["10.0.0.1@1"][{"T", "broker-a", 0}] = 5;
  b.consumer_table["10.0.0.1@1"][{"T", "broker-a", 1}] = 7;
  b.consumer_table["10.0.0.2@9"];
  const std::string java =
      R"({"consumerTable":{"10.0.0.1@1":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5,)"
      R"({"brokerName":"broker-a","queueId":1,"topic":"T"}:7},"10.0.0.2@9":{}},)"
      R"("messageQueueTable":{}})";
  EXPECT_EQ(b.Encode(), java);
  EXPECT_EQ(ConsumerStatusBody::Decode(java).value(), b);

  // A client's 221 answer: only messageQueueTable, members in any order, nulls and extras.
  absl::StatusOr<ConsumerStatusBody> client = ConsumerStatusBody::Decode(
      R"({"messageQueueTable":{{"topic":"T","queueId":2,"brokerName":"b"}:"9"},"x":[1],)"
      R"("consumerTable":null})");
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE(client->consumer_table.empty());
  ASSERT_EQ(client->message_queue_table.size(), 1u);
  EXPECT_EQ(client->message_queue_table.begin()->first, (MessageQueueKey{"T", "b", 2}));
  EXPECT_EQ(client->message_queue_table.begin()->second, 9);

  EXPECT_FALSE(ConsumerStatusBody::Decode(R"({"consumerTable":{"id":{{"topic":"T"}:x}}})").ok());
  EXPECT_FALSE(ConsumerStatusBody::Decode(R"({"consumerTable":[)").ok());
  EXPECT_FALSE(ConsumerStatusBody::Decode("").ok());
}

TEST(MessageQueueMap, ReturnsEachValueVerbatim) {
  absl::StatusOr<std::vector<MessageQueueMapEntry>> m = ParseMessageQueueMap(
      R"({"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:)"
      R"({"brokerOffset":5,"consumerOffset":3,"lastTimestamp":0}}})",
      "offsetTable");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].queue, (MessageQueueKey{"T", "b", 1}));
  EXPECT_EQ((*m)[0].value_json, R"({"brokerOffset":5,"consumerOffset":3,"lastTimestamp":0})");
  EXPECT_EQ(MessageQueueKeyJson({"T\"", "b", 2}),
            R"({"brokerName":"b","queueId":2,"topic":"T\""})");
}

}  // namespace
}  // namespace tern::protocol
