// Reading `tern store export` lines back for `tern admin import` (tools/admin/export_line.h)
// and the base64 codec under it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/admin/base64.h"
#include "tools/admin/export_line.h"

namespace tern::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Base64, RoundTripsEveryLengthAndRejectsJunk) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 37));
    absl::StatusOr<std::string> back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok()) << back.status();
    ASSERT_EQ(*back, bytes);
  }
  EXPECT_EQ(Base64Encode("hello world"), "aGVsbG8gd29ybGQ=");
  EXPECT_EQ(Base64Decode("aGVsbG8gd29ybGQ").value_or(""), "hello world");  // unpadded
  EXPECT_FALSE(Base64Decode("aGV*").ok());
  EXPECT_FALSE(Base64Decode("a").ok());
}

TEST(ExportLine, KeepsTopicBodyTagsKeysFlagAndUserProperties) {
  absl::StatusOr<ImportRecord> r = ParseExportLine(
      R"({"offset":0,"topic":"T","flag":7,"transaction":"none","properties":{"TAGS":"tagA",)"
      R"("KEYS":"k1 k2","UNIQ_KEY":"ABC","WAIT":"true","MIN_OFFSET":"0","color":"red",)"
      R"("REAL_TOPIC":"x","TIMER_OUT_MS":"1"},"body":"AAEC","bodyEncoding":"base64"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->skip);
  EXPECT_EQ(r->message.topic, "T");
  EXPECT_EQ(r->message.flag, 7);
  EXPECT_EQ(r->message.body, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(r->message.tags, "tagA");
  EXPECT_THAT(r->message.keys, ElementsAre("k1", "k2"));
  EXPECT_EQ(r->message.properties.size(), 1u);
  EXPECT_EQ(r->message.properties.at("color"), "red");
}

TEST(ExportLine, ReadsHexAndTextBodiesAndSkipsTransactionHalves) {
  absl::StatusOr<ImportRecord> hex =
      ParseExportLine(R"({"topic":"T","body":"6869","bodyEncoding":"hex"})");
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_EQ(hex->message.body, "hi");
  absl::StatusOr<ImportRecord> text = ParseExportLine(R"({"topic":"T","body":"plain"})");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->message.body, "plain");
  absl::StatusOr<ImportRecord> half =
      ParseExportLine(R"({"topic":"T","transaction":"prepared","body":"x"})");
  ASSERT_TRUE(half.ok());
  EXPECT_TRUE(half->skip);
  EXPECT_THAT(half->skip_reason, HasSubstr("prepared"));
}

TEST(ExportLine, RefusesWhatCannotBeReSentFaithfully) {
  EXPECT_THAT(
      std::string(
          ParseExportLine(R"({"topic":"T","body":"x","bodyTruncatedFrom":9})").status().message()),
      HasSubstr("--max-body 0"));
  EXPECT_FALSE(ParseExportLine(R"({"topic":"T"})").ok());
  EXPECT_FALSE(ParseExportLine(R"({"body":"x"})").ok());
  EXPECT_FALSE(ParseExportLine(R"({"topic":"T","body":"x","bodyEncoding":"rot13"})").ok());
  EXPECT_FALSE(ParseExportLine(R"({"topic":"T","body":"abc","bodyEncoding":"hex"})").ok());
  EXPECT_FALSE(ParseExportLine(R"({"topic":"T","body":"x","properties":[]})").ok());
  EXPECT_FALSE(ParseExportLine("not json").ok());
  EXPECT_FALSE(ParseExportLine("[]").ok());
}

}  // namespace
}  // namespace tern::tools
