#include "server/protocol/register_broker_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

namespace tern::protocol {
namespace {

using ::testing::HasSubstr;

RegisterBrokerBody SampleBody() {
  RegisterBrokerBody body;
  body.topic_config_serialize_wrapper.data_version = {1795934771162, 3};
  TopicConfig tbw;
  tbw.topic_name = "TBW102";
  tbw.read_queue_nums = 8;
  tbw.write_queue_nums = 8;
  tbw.perm = 7;
  TopicConfig test;
  test.topic_name = "TopicTest";
  test.read_queue_nums = 4;
  test.write_queue_nums = 2;
  test.topic_filter_type = "MULTI_TAG";
  body.topic_config_serialize_wrapper.topic_config_table = {{"TBW102", tbw}, {"TopicTest", test}};
  return body;
}

void AppendInt(int32_t v, std::string& out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((static_cast<uint32_t>(v) >> shift) & 0xFF));
  }
}

TEST(RegisterBrokerBody, EncodesJsonAsJavaDoes) {
  RegisterBrokerBody body;
  body.topic_config_serialize_wrapper.data_version = {7, 1};
  EXPECT_EQ(body.Encode(), R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":)"
                           R"({"counter":1,"timestamp":7},"topicConfigTable":{}}})");
}

TEST(RegisterBrokerBody, JsonRoundTrips) {
  const RegisterBrokerBody body = SampleBody();
  absl::StatusOr<RegisterBrokerBody> decoded = RegisterBrokerBody::Decode(body.Encode(), false);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, body);
}

TEST(RegisterBrokerBody, CompressedRoundTripsWithoutSysFlagAndOrder) {
  RegisterBrokerBody body = SampleBody();
  body.filter_server_list = {"10.0.0.1:30000"};
  body.topic_config_serialize_wrapper.topic_config_table["TopicTest"].topic_sys_flag = 1;
  body.topic_config_serialize_wrapper.topic_config_table["TopicTest"].order = true;
  const std::string compressed = body.EncodeCompressed();
  ASSERT_GE(compressed.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x78) << "zlib header";
  absl::StatusOr<RegisterBrokerBody> decoded = RegisterBrokerBody::Decode(compressed, true);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  RegisterBrokerBody expected = body;
  expected.topic_config_serialize_wrapper.topic_config_table["TopicTest"].topic_sys_flag = 0;
  expected.topic_config_serialize_wrapper.topic_config_table["TopicTest"].order = false;
  EXPECT_EQ(*decoded, expected);
}

// The layout Java's RegisterBrokerBody.encode(true) writes, built by hand.
TEST(RegisterBrokerBody, DecodesAHandBuiltJavaCompressedStream) {
  std::string raw;
  const std::string version = R"({"counter":9,"timestamp":100})";
  AppendInt(static_cast<int32_t>(version.size()), raw);
  raw += version;
  AppendInt(1, raw);
  const std::string topic = "T1 4 4 6 SINGLE_TAG";
  AppendInt(static_cast<int32_t>(topic.size()), raw);
  raw += topic;
  AppendInt(2, raw);
  raw += "[]";
  absl::StatusOr<RegisterBrokerBody> decoded =
      RegisterBrokerBody::Decode(ZlibDeflate(raw, Z_BEST_COMPRESSION), true);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->topic_config_serialize_wrapper.data_version, (DataVersion{100, 9}));
  const TopicConfig& t1 = decoded->topic_config_serialize_wrapper.topic_config_table.at("T1");
  EXPECT_EQ(t1.read_queue_nums, 4);
  EXPECT_EQ(t1.perm, 6);
  EXPECT_TRUE(decoded->filter_server_list.empty());
}

TEST(RegisterBrokerBody, CompressedFormRejectsTruncationAtEveryLength) {
  const std::string compressed = SampleBody().EncodeCompressed();
  absl::StatusOr<std::string> raw = ZlibInflate(compressed, 1 << 20);
  ASSERT_TRUE(raw.ok());
  // Every proper prefix of the inflated stream fails somewhere before the filter list ends.
  for (size_t n = 0; n < raw->size(); ++n) {
    const std::string prefix = raw->substr(0, n);
    EXPECT_FALSE(RegisterBrokerBody::Decode(ZlibDeflate(prefix, 6), true).ok()) << n;
  }
  // And a truncated zlib stream fails too.
  for (size_t n = 0; n < compressed.size(); ++n) {
    EXPECT_FALSE(RegisterBrokerBody::Decode(compressed.substr(0, n), true).ok()) << n;
  }
}

TEST(RegisterBrokerBody, CompressedFormRejectsBadTopicEncodings) {
  for (const std::string topic :
       {"T1 4 4 6", "T1 x 4 6 SINGLE_TAG", "T1 4 4 6 SQL", " T 4 4 6 S"}) {
    std::string raw;
    AppendInt(2, raw);
    raw += "{}";
    AppendInt(1, raw);
    AppendInt(static_cast<int32_t>(topic.size()), raw);
    raw += topic;
    AppendInt(2, raw);
    raw += "[]";
    absl::StatusOr<RegisterBrokerBody> decoded =
        RegisterBrokerBody::Decode(ZlibDeflate(raw, 6), true);
    ASSERT_FALSE(decoded.ok()) << topic;
    EXPECT_THAT(std::string(decoded.status().message()), HasSubstr("topic config")) << topic;
  }
}

TEST(RegisterBrokerBody, CompressedFormReadsAnUnparsableFilterListAsEmpty) {
  std::string raw;
  AppendInt(2, raw);
  raw += "{}";
  AppendInt(0, raw);
  AppendInt(3, raw);
  raw += "{x]";
  absl::StatusOr<RegisterBrokerBody> decoded =
      RegisterBrokerBody::Decode(ZlibDeflate(raw, 6), true);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->filter_server_list.empty());
}

TEST(ZlibInflate, StopsAtTheOutputLimit) {
  const std::string zeros(1 << 20, '\0');
  const std::string bomb = ZlibDeflate(zeros, 9);
  EXPECT_TRUE(ZlibInflate(bomb, zeros.size()).ok());
  absl::StatusOr<std::string> limited = ZlibInflate(bomb, zeros.size() - 1);
  ASSERT_FALSE(limited.ok());
  EXPECT_THAT(std::string(limited.status().message()), HasSubstr("beyond"));
}

TEST(RegisterBrokerBody, JsonFormRejectsGarbage) {
  EXPECT_FALSE(RegisterBrokerBody::Decode("not json", false).ok());
  EXPECT_FALSE(RegisterBrokerBody::Decode(R"({"filterServerList":{}})", false).ok());
  EXPECT_FALSE(RegisterBrokerBody::Decode("\x78\x9c garbage", true).ok());
}

}  // namespace
}  // namespace tern::protocol
