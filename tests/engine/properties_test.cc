#include "engine/properties.h"

#include <gtest/gtest.h>

namespace tern::engine {
namespace {

TEST(Properties, ReadsJava48FormWithTrailingSeparator) {
  const std::string_view p = "KEYS\x01k1 k2\x02WAIT\x01true\x02TAGS\x01T0\x02";
  EXPECT_EQ(FindProperty(p, "TAGS"), "T0");
  EXPECT_EQ(FindProperty(p, "KEYS"), "k1 k2");
  EXPECT_EQ(FindProperty(p, "NOPE"), std::nullopt);
  EXPECT_EQ(ParseProperties(p).size(), 3u);
}

TEST(Properties, ReadsJava49FormWithoutTrailingSeparator) {
  const std::string_view p =
      "A\x01"
      "1\x02"
      "B\x01"
      "2";
  EXPECT_EQ(FindProperty(p, "B"), "2");
}

TEST(Properties, SkipsSegmentsWithoutNameOrValue) {
  const std::string_view p = "\x01v\x02k\x01\x02x\x02ok\x01y\x02\x02";
  const PropertyList l = ParseProperties(p);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].first, "ok");
  EXPECT_EQ(l[0].second, "y");
}

TEST(Properties, ValueKeepsLaterSeparatorBytes) {
  EXPECT_EQ(FindProperty("k\x01"
                         "a\x01"
                         "b\x02",
                         "k"),
            "a\x01"
            "b");
}

TEST(Properties, EncodeRoundTrips) {
  const PropertyList in = {{"TAGS", "TagA"}, {"KEYS", "a b"}};
  const std::string enc = EncodeProperties(in);
  EXPECT_EQ(enc,
            "TAGS\x01TagA\x02KEYS\x01"
            "a b\x02");
  EXPECT_EQ(ParseProperties(enc), in);
}

TEST(Properties, ForEachKeySplitsOnSingleSpaces) {
  std::vector<std::string> keys;
  ForEachKey("a  b c ", [&](std::string_view k) { keys.emplace_back(k); });
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace tern::engine
