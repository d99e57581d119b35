#include "engine/metadata/topic_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "engine/metadata/fastjson.h"
#include "tests/engine/metadata/java_config_files.h"

namespace tern::engine::metadata {
namespace {

using ::testing::HasSubstr;
using testing::JavaConfigFile;
using testing::SortTableEntries;

TopicConfigFile MustDecode(std::string_view text) {
  absl::StatusOr<TopicConfigFile> file = TopicConfigFile::Decode(text);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : TopicConfigFile{};
}

TEST(TopicConfigFile, DecodesTheJavaStoresTopicsJson) {
  const TopicConfigFile file = MustDecode(JavaConfigFile("topics.json"));
  EXPECT_EQ(file.data_version, (DataVersion{.timestamp = 1795934896315, .counter = 35}));
  EXPECT_EQ(file.topic_config_table.size(), 43u);
  const TopicConfig& schedule = file.topic_config_table.at("SCHEDULE_TOPIC_XXXX");
  EXPECT_EQ(schedule.topic_name, "SCHEDULE_TOPIC_XXXX");
  EXPECT_EQ(schedule.read_queue_nums, 18);
  EXPECT_EQ(schedule.write_queue_nums, 18);
  EXPECT_EQ(schedule.perm, 6);
  EXPECT_EQ(schedule.topic_filter_type, "SINGLE_TAG");
  EXPECT_EQ(schedule.topic_sys_flag, 0);
  EXPECT_FALSE(schedule.order);
  for (const auto& [name, config] : file.topic_config_table) EXPECT_EQ(name, config.topic_name);

  const TopicConfigFile bak = MustDecode(JavaConfigFile("topics.json.bak"));
  EXPECT_EQ(bak.data_version.counter, 34);
  EXPECT_EQ(bak.topic_config_table.size(), 42u);
}

TEST(TopicConfigFile, EncodesJavasBytesExceptForTableOrder) {
  for (const char* name : {"topics.json", "topics.json.bak"}) {
    const std::string& java = JavaConfigFile(name);
    EXPECT_EQ(MustDecode(java).Encode(), SortTableEntries(java, "topicConfigTable")) << name;
  }
}

TEST(TopicConfigFile, RoundTripsTheJavaFile) {
  const TopicConfigFile java = MustDecode(JavaConfigFile("topics.json"));
  EXPECT_EQ(MustDecode(java.Encode()), java);
}

TEST(TopicConfigFile, EncodesAHandBuiltTableInJavasLayout) {
  TopicConfigFile file;
  file.data_version = {.timestamp = 1700000000000, .counter = 2};
  file.topic_config_table["TopicB"] = {.topic_name = "TopicB",
                                       .read_queue_nums = 8,
                                       .write_queue_nums = 4,
                                       .perm = 4,
                                       .topic_filter_type = "MULTI_TAG",
                                       .topic_sys_flag = 1,
                                       .order = true};
  file.topic_config_table["%RETRY%G"] = {
      .topic_name = "%RETRY%G", .read_queue_nums = 1, .write_queue_nums = 1};
  const std::string expected =
      "{\n"
      "\t\"dataVersion\":{\n"
      "\t\t\"counter\":2,\n"
      "\t\t\"timestamp\":1700000000000\n"
      "\t},\n"
      "\t\"topicConfigTable\":{\n"
      "\t\t\"%RETRY%G\":{\n"
      "\t\t\t\"order\":false,\n"
      "\t\t\t\"perm\":6,\n"
      "\t\t\t\"readQueueNums\":1,\n"
      "\t\t\t\"topicFilterType\":\"SINGLE_TAG\",\n"
      "\t\t\t\"topicName\":\"%RETRY%G\",\n"
      "\t\t\t\"topicSysFlag\":0,\n"
      "\t\t\t\"writeQueueNums\":1\n"
      "\t\t},\n"
      "\t\t\"TopicB\":{\n"
      "\t\t\t\"order\":true,\n"
      "\t\t\t\"perm\":4,\n"
      "\t\t\t\"readQueueNums\":8,\n"
      "\t\t\t\"topicFilterType\":\"MULTI_TAG\",\n"
      "\t\t\t\"topicName\":\"TopicB\",\n"
      "\t\t\t\"topicSysFlag\":1,\n"
      "\t\t\t\"writeQueueNums\":4\n"
      "\t\t}\n"
      "\t}\n"
      "}";
  EXPECT_EQ(file.Encode(), expected);
  rapidjson::Document strict;
  EXPECT_TRUE(ParseStrictJson(expected, strict).ok());
  EXPECT_EQ(MustDecode(expected), file);
}

TEST(TopicConfigFile, EmptyTableIsWrittenAsTwoBraces) {
  const TopicConfigFile empty;
  EXPECT_EQ(empty.Encode(),
            "{\n\t\"dataVersion\":{\n\t\t\"counter\":0,\n\t\t\"timestamp\":0\n\t},\n"
            "\t\"topicConfigTable\":{}\n}");
  EXPECT_EQ(MustDecode(empty.Encode()), empty);
}

TEST(TopicConfigFile, MissingMembersTakeJavasDefaults) {
  const TopicConfigFile file = MustDecode(R"({"topicConfigTable":{"T":{}}})");
  EXPECT_EQ(file.data_version, DataVersion{});
  EXPECT_EQ(file.topic_config_table.at("T"), TopicConfig{});
  EXPECT_EQ(TopicConfig{}.read_queue_nums, 16);
  EXPECT_EQ(TopicConfig{}.write_queue_nums, 16);
  EXPECT_EQ(TopicConfig{}.perm, 6);
  EXPECT_EQ(MustDecode("{}"), TopicConfigFile{});
  EXPECT_EQ(MustDecode(R"({"topicConfigTable":null,"dataVersion":null})"), TopicConfigFile{});
}

TEST(TopicConfigFile, IgnoresUnknownMembersAndReadsNumbersGivenAsStrings) {
  const TopicConfigFile file =
      MustDecode(R"({"brokerName":"b","topicConfigTable":{"T":{"readQueueNums":"8",)"
                 R"("perm":"7","order":"true","attributes":{"+a":"b"},)"
                 R"("x":[1,{"y":2}]}},"dataVersion":{"counter":"5"}})");
  const TopicConfig& t = file.topic_config_table.at("T");
  EXPECT_EQ(t.read_queue_nums, 8);
  EXPECT_EQ(t.perm, 7);
  EXPECT_TRUE(t.order);
  EXPECT_EQ(file.data_version.counter, 5);
}

TEST(TopicConfigFile, EscapesNamesAsFastjsonDoesAndRoundTrips) {
  TopicConfigFile file;
  const std::string name = "\xe4\xb8\xbb\xe9\xa2\x98\"q\\b\n\x01";
  file.topic_config_table[name].topic_name = name;
  const std::string text = file.Encode();
  EXPECT_THAT(text, HasSubstr("\t\t\"\xe4\xb8\xbb\xe9\xa2\x98\\\"q\\\\b\\n\\u0001\":{\n"));
  EXPECT_EQ(MustDecode(text), file);
}

TEST(TopicConfigFile, RejectsMalformedDocumentsNamingThePath) {
  const absl::Status perm =
      TopicConfigFile::Decode(R"({"topicConfigTable":{"T":{"perm":"rw"}}})").status();
  EXPECT_EQ(perm.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(perm.message()), HasSubstr("$.topicConfigTable.T.perm"));
  EXPECT_FALSE(TopicConfigFile::Decode(R"({"topicConfigTable":[]})").ok());
  EXPECT_FALSE(TopicConfigFile::Decode(R"({"topicConfigTable":{"T":null}})").ok());
  EXPECT_FALSE(TopicConfigFile::Decode(R"({"dataVersion":7})").ok());
  EXPECT_FALSE(TopicConfigFile::Decode("[]").ok());
  EXPECT_FALSE(TopicConfigFile::Decode("null").ok());
  EXPECT_FALSE(TopicConfigFile::Decode("").ok());
}

}  // namespace
}  // namespace tern::engine::metadata
