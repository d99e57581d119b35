#include "engine/metadata/consumer_offset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/engine/metadata/java_config_files.h"

namespace tern::engine::metadata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JavaConfigFile;
using ::testing::Pair;
using testing::SortTableEntries;

ConsumerOffsetFile MustDecode(std::string_view text) {
  absl::StatusOr<ConsumerOffsetFile> file = ConsumerOffsetFile::Decode(text);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : ConsumerOffsetFile{};
}

TEST(ConsumerOffsetFile, DecodesTheJavaStoresUnquotedQueueIdsAndNegativeOffsets) {
  const ConsumerOffsetFile file = MustDecode(JavaConfigFile("consumerOffset.json"));
  EXPECT_EQ(file.offset_table.size(), 27u);
  EXPECT_THAT(file.offset_table.at("Tbatch_kpndh_0@CG_kpndh_6"),
              ElementsAre(Pair(0, 32), Pair(1, 8), Pair(2, 0), Pair(3, 0)));
  EXPECT_THAT(file.offset_table.at("Ons_1795934894@CID_tag_Ons_1795934894"),
              ElementsAre(Pair(0, 1), Pair(1, 1), Pair(2, 2), Pair(3, -1)));
  EXPECT_EQ(file.offset_table.at("Tord_kppwj_0@CG_kppwj_6").size(), 8u);
  EXPECT_THAT(file.offset_table.at("RMQ_SYS_TRANS_HALF_TOPIC@CID_RMQ_SYS_TRANS"),
              ElementsAre(Pair(0, 12)));
  EXPECT_EQ(MustDecode(JavaConfigFile("consumerOffset.json.bak")), file);
}

TEST(ConsumerOffsetFile, EncodesJavasBytesExceptForTableOrder) {
  const std::string& java = JavaConfigFile("consumerOffset.json");
  EXPECT_EQ(MustDecode(java).Encode(), SortTableEntries(java, "offsetTable"));
}

TEST(ConsumerOffsetFile, RoundTripsTheJavaFile) {
  const ConsumerOffsetFile java = MustDecode(JavaConfigFile("consumerOffset.json"));
  EXPECT_EQ(MustDecode(java.Encode()), java);
}

TEST(ConsumerOffsetFile, EncodesAHandBuiltTableInJavasLayout) {
  ConsumerOffsetFile file;
  file.offset_table[ConsumerOffsetFile::Key("TopicA", "G1")] = {{0, 32}, {1, 8}, {3, -1}};
  file.offset_table["%RETRY%G1@G1"] = {{0, 0}};
  file.offset_table["Empty@G"] = {};
  const std::string expected =
      "{\n"
      "\t\"offsetTable\":{\n"
      "\t\t\"%RETRY%G1@G1\":{0:0\n"
      "\t\t},\n"
      "\t\t\"Empty@G\":{},\n"
      "\t\t\"TopicA@G1\":{0:32,1:8,3:-1\n"
      "\t\t}\n"
      "\t}\n"
      "}";
  EXPECT_EQ(file.Encode(), expected);
  EXPECT_EQ(MustDecode(expected), file);
}

TEST(ConsumerOffsetFile, AcceptsQuotedQueueIdsAndOffsetsGivenAsStrings) {
  const ConsumerOffsetFile file =
      MustDecode(R"({"offsetTable":{"t@g":{"0":"5","1":-1,2:"-7"}},"dataVersion":{}})");
  EXPECT_THAT(file.offset_table.at("t@g"), ElementsAre(Pair(0, 5), Pair(1, -1), Pair(2, -7)));
  EXPECT_EQ(MustDecode("{}"), ConsumerOffsetFile{});
}

TEST(ConsumerOffsetFile, RejectsQueueIdsThatAreNotIntegersAndNonIntegerOffsets) {
  const absl::Status key = ConsumerOffsetFile::Decode(R"({"offsetTable":{"t@g":{x:1}}})").status();
  EXPECT_EQ(key.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(key.message()), HasSubstr("$.offsetTable.t@g: key \"x\""));
  EXPECT_FALSE(ConsumerOffsetFile::Decode(R"({"offsetTable":{"t@g":{0:true}}})").ok());
  EXPECT_FALSE(ConsumerOffsetFile::Decode(R"({"offsetTable":{"t@g":[1]}})").ok());
  EXPECT_FALSE(ConsumerOffsetFile::Decode(R"({"offsetTable":{"t@g":{0:1}})").ok());
}

}  // namespace
}  // namespace tern::engine::metadata
