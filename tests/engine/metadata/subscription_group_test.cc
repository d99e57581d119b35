#include "engine/metadata/subscription_group.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/engine/metadata/java_config_files.h"

namespace tern::engine::metadata {
namespace {

using ::testing::HasSubstr;
using testing::JavaConfigFile;
using ::testing::Not;
using testing::SortTableEntries;

SubscriptionGroupFile MustDecode(std::string_view text) {
  absl::StatusOr<SubscriptionGroupFile> file = SubscriptionGroupFile::Decode(text);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : SubscriptionGroupFile{};
}

TEST(SubscriptionGroupFile, DecodesTheJavaStoresSubscriptionGroupJson) {
  const SubscriptionGroupFile file = MustDecode(JavaConfigFile("subscriptionGroup.json"));
  EXPECT_EQ(file.data_version, (DataVersion{.timestamp = 1795934896313, .counter = 18}));
  EXPECT_EQ(file.subscription_group_table.size(), 25u);
  SubscriptionGroupConfig self_test;
  self_test.group_name = "SELF_TEST_C_GROUP";
  EXPECT_EQ(file.subscription_group_table.at("SELF_TEST_C_GROUP"), self_test);
  const SubscriptionGroupConfig& cap = file.subscription_group_table.at("CapGroup");
  EXPECT_FALSE(cap.consume_broadcast_enable);
  EXPECT_FALSE(cap.consume_from_min_enable);
  EXPECT_TRUE(cap.consume_enable);
  EXPECT_EQ(
      MustDecode(JavaConfigFile("subscriptionGroup.json.bak")).subscription_group_table.size(),
      24u);
}

TEST(SubscriptionGroupFile, EncodesJavasBytesExceptForTableOrder) {
  for (const char* name : {"subscriptionGroup.json", "subscriptionGroup.json.bak"}) {
    const std::string& java = JavaConfigFile(name);
    EXPECT_EQ(MustDecode(java).Encode(), SortTableEntries(java, "subscriptionGroupTable")) << name;
  }
}

TEST(SubscriptionGroupFile, RoundTripsTheJavaFile) {
  const SubscriptionGroupFile java = MustDecode(JavaConfigFile("subscriptionGroup.json"));
  EXPECT_EQ(MustDecode(java.Encode()), java);
}

TEST(SubscriptionGroupFile, EncodesAHandBuiltTableInJavasLayout) {
  SubscriptionGroupFile file;
  file.data_version = {.timestamp = 5, .counter = 1};
  SubscriptionGroupConfig& g = file.subscription_group_table["G"];
  g.group_name = "G";
  g.consume_broadcast_enable = false;
  g.retry_max_times = 3;
  g.broker_id = 1;
  g.which_broker_when_consume_slowly = 2;
  const std::string expected =
      "{\n"
      "\t\"dataVersion\":{\n"
      "\t\t\"counter\":1,\n"
      "\t\t\"timestamp\":5\n"
      "\t},\n"
      "\t\"subscriptionGroupTable\":{\n"
      "\t\t\"G\":{\n"
      "\t\t\t\"brokerId\":1,\n"
      "\t\t\t\"consumeBroadcastEnable\":false,\n"
      "\t\t\t\"consumeEnable\":true,\n"
      "\t\t\t\"consumeFromMinEnable\":true,\n"
      "\t\t\t\"groupName\":\"G\",\n"
      "\t\t\t\"notifyConsumerIdsChangedEnable\":true,\n"
      "\t\t\t\"retryMaxTimes\":3,\n"
      "\t\t\t\"retryQueueNums\":1,\n"
      "\t\t\t\"whichBrokerWhenConsumeSlowly\":2\n"
      "\t\t}\n"
      "\t}\n"
      "}";
  EXPECT_EQ(file.Encode(), expected);
  EXPECT_EQ(MustDecode(expected), file);
}

TEST(SubscriptionGroupFile, MissingMembersTakeJavasDefaults) {
  const SubscriptionGroupConfig g =
      MustDecode(R"({"subscriptionGroupTable":{"G":{"groupName":"G"}}})")
          .subscription_group_table.at("G");
  EXPECT_TRUE(g.consume_enable);
  EXPECT_TRUE(g.consume_from_min_enable);
  EXPECT_TRUE(g.consume_broadcast_enable);
  EXPECT_TRUE(g.notify_consumer_ids_changed_enable);
  EXPECT_EQ(g.retry_queue_nums, 1);
  EXPECT_EQ(g.retry_max_times, 16);
  EXPECT_EQ(g.broker_id, 0);
  EXPECT_EQ(g.which_broker_when_consume_slowly, 1);
}

TEST(SubscriptionGroupFile, ReadsStringsForNumbersAndBooleansAndDropsUnknownGroupMembers) {
  const SubscriptionGroupFile file =
      MustDecode(R"({"subscriptionGroupTable":{"G":{"groupName":"G",)"
                 R"("consumeEnable":"false",)"
                 R"("retryMaxTimes":"5","groupSysFlag":3,"attributes":{"k":"v"}}}})");
  const SubscriptionGroupConfig& g = file.subscription_group_table.at("G");
  EXPECT_FALSE(g.consume_enable);
  EXPECT_EQ(g.retry_max_times, 5);
  EXPECT_THAT(file.Encode(), Not(HasSubstr("groupSysFlag")));
  EXPECT_THAT(file.Encode(), Not(HasSubstr("attributes")));
}

TEST(SubscriptionGroupFile, RejectsMalformedDocumentsNamingThePath) {
  const absl::Status s =
      SubscriptionGroupFile::Decode(R"({"subscriptionGroupTable":{"G":{"consumeEnable":"maybe"}}})")
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("$.subscriptionGroupTable.G.consumeEnable"));
  EXPECT_FALSE(SubscriptionGroupFile::Decode(R"({"subscriptionGroupTable":{"G":1}})").ok());
}

}  // namespace
}  // namespace tern::engine::metadata
