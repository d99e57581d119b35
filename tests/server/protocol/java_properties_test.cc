#include "server/protocol/java_properties.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tern::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

PropertyEntries Parse(std::string_view text) {
  absl::StatusOr<PropertyEntries> entries = ParseJavaProperties(text);
  EXPECT_TRUE(entries.ok()) << entries.status();
  return entries.ok() ? *entries : PropertyEntries{};
}

TEST(JavaProperties, ParsesWhatMqadminSends) {
  EXPECT_THAT(Parse("orderMessageEnable=true\nproductEnvName=test\n"),
              ElementsAre(Pair("orderMessageEnable", "true"), Pair("productEnvName", "test")));
}

TEST(JavaProperties, AcceptsEverySeparatorForm) {
  EXPECT_THAT(Parse("a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf\n"),
              ElementsAre(Pair("a", "1"), Pair("b", "2"), Pair("c", "3"), Pair("d", "4"),
                          Pair("e", "5"), Pair("f", "")));
}

TEST(JavaProperties, SkipsCommentsBlankLinesAndLeadingBlanks) {
  EXPECT_THAT(Parse("# comment\n! bang\n\n   \n  k=v  \r\nx=y"),
              ElementsAre(Pair("k", "v  "), Pair("x", "y")));
}

TEST(JavaProperties, JoinsContinuationLinesAndUnescapes) {
  EXPECT_THAT(
      Parse("a=one\\\n    two\nb=\\tx\\u0041\\=\nc\\ d=e\nw=c:\\\\dir\n"),
      ElementsAre(Pair("a", "onetwo"), Pair("b", "\txA="), Pair("c d", "e"), Pair("w", "c:\\dir")));
}

TEST(JavaProperties, LaterDuplicatesWin) {
  EXPECT_THAT(Parse("a=1\nb=2\na=3\n"), ElementsAre(Pair("a", "3"), Pair("b", "2")));
}

TEST(JavaProperties, RejectsMalformedUnicodeEscapes) {
  EXPECT_FALSE(ParseJavaProperties("a=\\u12\n").ok());
  EXPECT_FALSE(ParseJavaProperties("a=\\uzzzz\n").ok());
}

TEST(JavaProperties, FormatsAsProperties2String) {
  EXPECT_EQ(FormatJavaProperties({{"listenPort", "9876"}, {"orderMessageEnable", "false"}}),
            "listenPort=9876\norderMessageEnable=false\n");
  EXPECT_EQ(FormatJavaProperties({}), "");
}

}  // namespace
}  // namespace tern::protocol
