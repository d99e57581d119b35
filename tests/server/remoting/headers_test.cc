#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "server/remoting/header_fields.h"
#include "server/remoting/headers/admin.h"
#include "server/remoting/headers/client.h"
#include "server/remoting/headers/namesrv.h"
#include "server/remoting/headers/offset.h"
#include "server/remoting/headers/pull.h"
#include "server/remoting/headers/query.h"
#include "server/remoting/headers/send.h"
#include "server/remoting/json_header.h"

namespace tern::remoting {
namespace {

RemotingCommand Json(std::string_view text) {
  absl::StatusOr<RemotingCommand> cmd = DecodeJsonHeader(text);
  EXPECT_TRUE(cmd.ok()) << MessageOf(cmd.status());
  return cmd.ok() ? *std::move(cmd) : RemotingCommand{};
}

RemotingCommand WithFields(int32_t code, std::initializer_list<ExtFields::Entry> fields) {
  RemotingCommand cmd = RemotingCommand::Request(code, 1);
  for (const ExtFields::Entry& e : fields) cmd.MutableFields().Set(e.first, e.second);
  return cmd;
}

// Writes `h` into a command, parses it back: the same value, and only string values written.
template <typename H>
void ExpectRoundTrip(const H& h, int32_t code = 0) {
  RemotingCommand cmd = RemotingCommand::Request(code, 1);
  WriteHeader(h, cmd);
  ASSERT_TRUE(cmd.ext_fields.has_value());
  // Through the JSON codec too, so the written values survive the wire.
  const RemotingCommand wire = Json(EncodeJsonHeader(cmd));
  absl::StatusOr<H> back = H::Parse(wire);
  ASSERT_TRUE(back.ok()) << MessageOf(back.status());
  EXPECT_TRUE(*back == h);
}

template <typename H>
void ExpectMissing(const RemotingCommand& cmd, std::string_view field) {
  absl::StatusOr<H> h = H::Parse(cmd);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MessageOf(h.status()), fmt::format("missing required header field '{}'", field));
}

// ---- send ----

// The 4.8.0 Java client's V2 header (recorded), and ali-ons' with JSON numbers and booleans.
constexpr std::string_view kJavaV2 =
    R"({"code":310,"extFields":{"a":"PG","b":"T","c":"TBW102","d":"4","e":"1","f":"0",)"
    R"("g":"1795934789733","h":"0","i":"WAIT\u0001true\u0002","j":"0","k":"false","m":"false"},)"
    R"("flag":0,"language":"JAVA","opaque":9,"serializeTypeCurrentRPC":"JSON","version":373})";
constexpr std::string_view kOnsV2 =
    R"({"code":310,"language":"JAVA","opaque":1,"flag":0,"version":121,"extFields":{"a":"PG",)"
    R"("b":"T","c":"TBW102","d":4,"e":1,"f":0,"g":1795934789733,"h":0,"i":"WAIT\u0001true\u0002",)"
    R"("j":0,"k":false}})";

TEST(SendHeadersTest, ParsesV2BothStyles) {
  for (std::string_view text : {kJavaV2, kOnsV2}) {
    absl::StatusOr<SendMessageRequestHeader> h = SendMessageRequestHeader::Parse(Json(text));
    ASSERT_TRUE(h.ok()) << MessageOf(h.status());
    EXPECT_EQ(h->producer_group, "PG");
    EXPECT_EQ(h->topic, "T");
    EXPECT_EQ(h->default_topic, "TBW102");
    EXPECT_EQ(h->default_topic_queue_nums, 4);
    EXPECT_EQ(h->queue_id, 1);
    EXPECT_EQ(h->sys_flag, 0);
    EXPECT_EQ(h->born_timestamp, 1795934789733);
    EXPECT_EQ(h->flag, 0);
    EXPECT_EQ(h->properties, "WAIT\x01true\x02");
    EXPECT_EQ(h->reconsume_times, 0);
    EXPECT_FALSE(h->unit_mode);
    EXPECT_FALSE(h->batch);
    EXPECT_FALSE(h->max_reconsume_times.has_value());
    EXPECT_FALSE(h->broker_name.has_value());
  }
}

TEST(SendHeadersTest, V1AndV2ParseIntoTheSameStruct) {
  SendMessageRequestHeader h;
  h.producer_group = "PG";
  h.topic = "T";
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 4;
  h.queue_id = -1;
  h.sys_flag = 4;
  h.born_timestamp = 1700000000000;
  h.flag = 3;
  h.properties = "KEYS\x01k";
  h.reconsume_times = 2;
  h.unit_mode = true;
  h.batch = true;
  h.max_reconsume_times = 16;
  h.broker_name = "broker-a";

  RemotingCommand v1 = RemotingCommand::Request(request::kSendMessage, 1);
  h.WriteTo(v1.MutableFields());
  EXPECT_EQ(*v1.Field("producerGroup"), "PG");
  EXPECT_EQ(*v1.Field("bname"), "broker-a");
  RemotingCommand v2 = RemotingCommand::Request(request::kSendMessageV2, 1);
  h.WriteToV2(v2.MutableFields());
  EXPECT_EQ(*v2.Field("a"), "PG");
  EXPECT_EQ(*v2.Field("l"), "16");
  EXPECT_EQ(*v2.Field("m"), "true");
  EXPECT_EQ(*v2.Field("n"), "broker-a");
  EXPECT_EQ(v2.Field("producerGroup"), nullptr);

  EXPECT_EQ(SendMessageRequestHeader::Parse(v1).value(), h);
  EXPECT_EQ(SendMessageRequestHeader::Parse(v2).value(), h);
  // The code picks the spelling: V1 names on 310 are missing fields.
  v1.code = request::kSendMessageV2;
  absl::StatusOr<SendMessageRequestHeader> wrong = SendMessageRequestHeader::Parse(v1);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(MessageOf(wrong.status()), "missing required header field 'a' (producerGroup)");
}

TEST(SendHeadersTest, BatchFlagOnEveryCode) {
  for (int32_t code :
       {request::kSendMessage, request::kSendMessageV2, request::kSendBatchMessage}) {
    SendMessageRequestHeader h;
    h.producer_group = "PG";
    h.topic = "T";
    h.default_topic = "TBW102";
    RemotingCommand cmd = RemotingCommand::Request(code, 1);
    if (SendMessageRequestHeader::UsesV2Names(code)) {
      h.WriteToV2(cmd.MutableFields());
      cmd.MutableFields().Set("m", "true");
    } else {
      h.WriteTo(cmd.MutableFields());
      cmd.MutableFields().Set("batch", "TRUE");
    }
    EXPECT_TRUE(SendMessageRequestHeader::Parse(cmd).value().batch) << code;
    cmd.MutableFields().Erase("m");
    cmd.MutableFields().Erase("batch");
    // As in the Java broker, the flag alone decides (also on 320).
    EXPECT_FALSE(SendMessageRequestHeader::Parse(cmd).value().batch) << code;
  }
}

TEST(SendHeadersTest, MissingAndMalformedFields) {
  RemotingCommand v2 = Json(kJavaV2);
  v2.MutableFields().Erase("b");
  absl::StatusOr<SendMessageRequestHeader> h = SendMessageRequestHeader::Parse(v2);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(MessageOf(h.status()), "missing required header field 'b' (topic)");
  v2 = Json(kJavaV2);
  v2.MutableFields().Set("g", "soon");
  h = SendMessageRequestHeader::Parse(v2);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(MessageOf(h.status()).find("'g' is not a long"), std::string_view::npos);
  ExpectMissing<SendMessageRequestHeader>(WithFields(request::kSendMessage, {}), "producerGroup");
  ExpectMissing<SendMessageRequestHeader>(
      WithFields(request::kSendMessage, {{"producerGroup", "p"}, {"topic", "t"}}), "defaultTopic");
}

TEST(SendHeadersTest, Response) {
  SendMessageResponseHeader h;
  h.msg_id = "C0A8010A00002A9F0000000040000100";
  h.queue_id = 1;
  h.queue_offset = 17;
  ExtFields f;
  h.WriteTo(f);
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(*f.Find("msgId"), h.msg_id);
  EXPECT_EQ(*f.Find("queueId"), "1");
  EXPECT_EQ(*f.Find("queueOffset"), "17");
  EXPECT_EQ(*f.Find("MSG_REGION"), "DefaultRegion");
  EXPECT_EQ(*f.Find("TRACE_ON"), "true");
  ExpectRoundTrip(h);
  h.transaction_id = "tx";
  h.trace_on = false;
  h.msg_region = "R";
  ExpectRoundTrip(h);
  ExpectMissing<SendMessageResponseHeader>(WithFields(0, {{"msgId", "x"}, {"queueId", "1"}}),
                                           "queueOffset");
}

// ---- pull ----

TEST(PullHeadersTest, ParsesOnsStyleRequest) {
  const RemotingCommand cmd =
      Json(R"({"code":11,"language":"JAVA","opaque":5,"flag":0,"version":121,"extFields":{)"
           R"("consumerGroup":"G","topic":"T","queueId":3,"queueOffset":12,"maxMsgNums":32,)"
           R"("sysFlag":6,"commitOffset":-1,"suspendTimeoutMillis":15000,"subscription":"*",)"
           R"("subVersion":1795934895798}})");
  absl::StatusOr<PullMessageRequestHeader> h = PullMessageRequestHeader::Parse(cmd);
  ASSERT_TRUE(h.ok()) << MessageOf(h.status());
  EXPECT_EQ(h->consumer_group, "G");
  EXPECT_EQ(h->queue_id, 3);
  EXPECT_EQ(h->queue_offset, 12);
  EXPECT_EQ(h->max_msg_nums, 32);
  EXPECT_EQ(h->sys_flag, pull_sys_flag::kSuspend | pull_sys_flag::kSubscription);
  EXPECT_EQ(h->commit_offset, -1);
  EXPECT_EQ(h->suspend_timeout_millis, 15000);
  EXPECT_EQ(h->subscription, "*");
  EXPECT_EQ(h->sub_version, 1795934895798);
  EXPECT_FALSE(h->expression_type.has_value());
  ExpectRoundTrip(*h);
  PullMessageRequestHeader full = *h;
  full.expression_type = "SQL92";
  full.broker_name = "b";
  ExpectRoundTrip(full);
  RemotingCommand missing = cmd;
  missing.MutableFields().Erase("subVersion");
  ExpectMissing<PullMessageRequestHeader>(missing, "subVersion");
}

TEST(PullHeadersTest, ResponseHasAllFourFields) {
  PullMessageResponseHeader h{
      .suggest_which_broker_id = 0, .next_begin_offset = 10, .min_offset = 0, .max_offset = 10};
  ExtFields f;
  h.WriteTo(f);
  EXPECT_EQ(f.size(), 4u);
  EXPECT_EQ(*f.Find("suggestWhichBrokerId"), "0");
  ExpectRoundTrip(h);
  ExpectMissing<PullMessageResponseHeader>(WithFields(0, {}), "suggestWhichBrokerId");
}

// ---- offsets, queries, clients, admin ----

TEST(OffsetHeadersTest, RoundTripsAndRequiredFields) {
  ExpectRoundTrip(
      QueryConsumerOffsetRequestHeader{.consumer_group = "g", .topic = "t", .queue_id = 3});
  ExpectRoundTrip(QueryConsumerOffsetResponseHeader{.offset = 9});
  ExpectRoundTrip(UpdateConsumerOffsetRequestHeader{
      .consumer_group = "g", .topic = "t", .queue_id = 1, .commit_offset = -1});
  ExpectRoundTrip(QueueRequestHeader{.topic = "t", .queue_id = 2});
  ExpectRoundTrip(OffsetResponseHeader{.offset = int64_t{1} << 40});
  ExpectRoundTrip(SearchOffsetRequestHeader{.topic = "t", .queue_id = 0, .timestamp = 17});
  ExpectRoundTrip(GetEarliestMsgStoretimeResponseHeader{.timestamp = 1700000000000});
  ExpectMissing<QueryConsumerOffsetRequestHeader>(WithFields(14, {{"consumerGroup", "g"}}),
                                                  "topic");
  ExpectMissing<UpdateConsumerOffsetRequestHeader>(
      WithFields(15, {{"consumerGroup", "g"}, {"topic", "t"}, {"queueId", "1"}}), "commitOffset");
  ExpectMissing<QueueRequestHeader>(WithFields(30, {{"topic", "t"}}), "queueId");
  ExpectMissing<SearchOffsetRequestHeader>(WithFields(29, {{"topic", "t"}, {"queueId", "1"}}),
                                           "timestamp");
  ExpectMissing<OffsetResponseHeader>(WithFields(0, {}), "offset");
  // A header with no fields still creates "extFields":{} (Java's UPDATE_CONSUMER_OFFSET
  // response).
  RemotingCommand response = RemotingCommand::ResponseTo(WithFields(15, {}), 0);
  WriteHeader(UpdateConsumerOffsetResponseHeader{}, response);
  EXPECT_NE(EncodeJsonHeader(response).find(R"("extFields":{})"), std::string::npos);
}

TEST(QueryHeadersTest, QueryMessageAndViewById) {
  ExpectRoundTrip(ViewMessageRequestHeader{.offset = 5010776});
  const RemotingCommand cmd =
      WithFields(request::kQueryMessage, {{"topic", "T"},
                                          {"key", "k"},
                                          {"maxNum", "64"},
                                          {"beginTimestamp", "0"},
                                          {"endTimestamp", "9223372036854775807"}});
  absl::StatusOr<QueryMessageRequestHeader> h = QueryMessageRequestHeader::Parse(cmd);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->end_timestamp, INT64_MAX);
  EXPECT_FALSE(h->unique_key_query);
  RemotingCommand unique = cmd;
  unique.MutableFields().Set("_UNIQUE_KEY_QUERY", "true");
  EXPECT_TRUE(QueryMessageRequestHeader::Parse(unique).value().unique_key_query);
  ExpectRoundTrip(*h);
  ExpectRoundTrip(QueryMessageResponseHeader{.index_last_update_timestamp = 1,
                                             .index_last_update_phyoffset = 2});
  ExpectMissing<QueryMessageRequestHeader>(WithFields(12, {{"topic", "T"}}), "key");
  ExpectMissing<ViewMessageRequestHeader>(WithFields(33, {}), "offset");
}

TEST(ClientHeadersTest, ConsumerListAndUnregister) {
  ExpectRoundTrip(ConsumerGroupRequestHeader{.consumer_group = "g"});
  ExpectRoundTrip(UnregisterClientRequestHeader{.client_id = "c", .producer_group = "p"});
  ExpectRoundTrip(UnregisterClientRequestHeader{.client_id = "c", .consumer_group = "g"});
  ExpectMissing<ConsumerGroupRequestHeader>(WithFields(38, {}), "consumerGroup");
  ExpectMissing<UnregisterClientRequestHeader>(WithFields(35, {{"producerGroup", "p"}}),
                                               "clientID");
}

TEST(AdminHeadersTest, CreateDeleteTopicAndBrokerConfig) {
  CreateTopicRequestHeader h{.topic = "T",
                             .default_topic = "TBW102",
                             .read_queue_nums = 8,
                             .write_queue_nums = 8,
                             .perm = 6,
                             .topic_filter_type = "SINGLE_TAG"};
  ExpectRoundTrip(h);
  h.topic_sys_flag = 0;
  h.order = true;
  ExpectRoundTrip(h);
  // order missing reads as false (Java's default), a missing perm is an error.
  RemotingCommand cmd = WithFields(17, {{"topic", "T"},
                                        {"defaultTopic", "D"},
                                        {"readQueueNums", "1"},
                                        {"writeQueueNums", "1"},
                                        {"perm", "6"},
                                        {"topicFilterType", "SINGLE_TAG"}});
  absl::StatusOr<CreateTopicRequestHeader> parsed = CreateTopicRequestHeader::Parse(cmd);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->order);
  EXPECT_FALSE(parsed->topic_sys_flag.has_value());
  cmd.MutableFields().Erase("perm");
  ExpectMissing<CreateTopicRequestHeader>(cmd, "perm");
  ExpectRoundTrip(DeleteTopicRequestHeader{.topic = "T"});
  ExpectRoundTrip(GetBrokerConfigResponseHeader{.version = R"({"counter":3,"timestamp":1})"});
}

// ---- namesrv ----

TEST(NamesrvHeadersTest, RegisterBroker) {
  const RemotingCommand recorded =
      Json(R"({"code":103,"extFields":{"brokerId":"0","bodyCrc32":"1828742543","clusterName":)"
           R"("DefaultCluster","brokerAddr":"127.0.0.1:20911","haServerAddr":"192.0.2.2:20912",)"
           R"("compressed":"false","brokerName":"broker-a"},"flag":0,"language":"JAVA","opaque":0,)"
           R"("serializeTypeCurrentRPC":"JSON","version":373})");
  absl::StatusOr<RegisterBrokerRequestHeader> h = RegisterBrokerRequestHeader::Parse(recorded);
  ASSERT_TRUE(h.ok()) << MessageOf(h.status());
  EXPECT_EQ(h->broker_name, "broker-a");
  EXPECT_EQ(h->broker_addr, "127.0.0.1:20911");
  EXPECT_EQ(h->cluster_name, "DefaultCluster");
  EXPECT_EQ(h->ha_server_addr, "192.0.2.2:20912");
  EXPECT_EQ(h->broker_id, 0);
  EXPECT_FALSE(h->compressed);
  EXPECT_EQ(h->body_crc32, 1828742543);
  ExpectRoundTrip(*h);
  RemotingCommand minimal = recorded;
  minimal.MutableFields().Erase("compressed");
  minimal.MutableFields().Erase("bodyCrc32");
  EXPECT_EQ(RegisterBrokerRequestHeader::Parse(minimal).value().body_crc32, 0);
  minimal.MutableFields().Erase("haServerAddr");
  ExpectMissing<RegisterBrokerRequestHeader>(minimal, "haServerAddr");

  ExpectRoundTrip(RegisterBrokerResponseHeader{});
  ExpectRoundTrip(RegisterBrokerResponseHeader{.ha_server_addr = "h:1", .master_addr = "m:2"});
}

TEST(NamesrvHeadersTest, TheRest) {
  ExpectRoundTrip(BrokerIdentityHeader{
      .broker_name = "b", .broker_addr = "a:1", .cluster_name = "c", .broker_id = 1});
  ExpectMissing<BrokerIdentityHeader>(
      WithFields(104, {{"brokerName", "b"}, {"brokerAddr", "a"}, {"clusterName", "c"}}),
      "brokerId");
  ExpectRoundTrip(QueryDataVersionResponseHeader{.changed = true});
  ExpectRoundTrip(GetRouteInfoRequestHeader{.topic = "T"});
  ExpectRoundTrip(GetRouteInfoRequestHeader{.topic = "T", .accept_standard_json_only = true});
  EXPECT_EQ(GetRouteInfoRequestHeader::Parse(
                WithFields(105, {{"topic", "T"}, {"acceptStandardJsonOnly", "false"}}))
                .value()
                .accept_standard_json_only,
            false);
  ExpectMissing<GetRouteInfoRequestHeader>(WithFields(105, {}), "topic");
  ExpectRoundTrip(PutKvConfigRequestHeader{
      .kv_namespace = "ORDER_TOPIC_CONFIG", .key = "T", .value = "broker-a:4"});
  ExpectMissing<PutKvConfigRequestHeader>(WithFields(100, {{"namespace", "n"}, {"key", "k"}}),
                                          "value");
  ExpectRoundTrip(KvConfigKeyHeader{.kv_namespace = "n", .key = "k"});
  ExpectMissing<KvConfigKeyHeader>(WithFields(101, {{"key", "k"}}), "namespace");
  ExpectRoundTrip(GetKvConfigResponseHeader{.value = "v"});
  ExpectRoundTrip(GetKvConfigResponseHeader{});
  ExpectRoundTrip(GetKvListByNamespaceRequestHeader{.kv_namespace = "n"});
  ExpectRoundTrip(BrokerNameRequestHeader{.broker_name = "broker-a"});
  ExpectMissing<BrokerNameRequestHeader>(WithFields(205, {}), "brokerName");
  ExpectRoundTrip(WipeWritePermOfBrokerResponseHeader{.wipe_topic_count = 3});
  ExpectRoundTrip(AddWritePermOfBrokerResponseHeader{.add_topic_count = 4});
  ExpectMissing<WipeWritePermOfBrokerResponseHeader>(WithFields(0, {}), "wipeTopicCount");
  ExpectRoundTrip(GetTopicsByClusterRequestHeader{.cluster = "DefaultCluster"});
  ExpectRoundTrip(DeleteTopicFromNamesrvRequestHeader{.topic = "T"});
  ExpectRoundTrip(DeleteTopicFromNamesrvRequestHeader{.topic = "T", .cluster_name = "C"});
}

TEST(HeaderWritersTest, StringsOnly) {
  ExtFields f;
  PutInt(f, "a", -9223372036854775807 - 1);
  PutBool(f, "b", false);
  PutString(f, "c", "x");
  EXPECT_EQ(*f.Find("a"), "-9223372036854775808");
  EXPECT_EQ(*f.Find("b"), "false");
  EXPECT_EQ(*f.Find("c"), "x");
}

}  // namespace
}  // namespace tern::remoting
