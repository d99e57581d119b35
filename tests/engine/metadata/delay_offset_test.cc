#include "engine/metadata/delay_offset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/engine/metadata/java_config_files.h"

namespace tern::engine::metadata {
namespace {

using ::testing::ElementsAre;
using testing::JavaConfigFile;
using ::testing::Pair;

DelayOffsetFile MustDecode(std::string_view text) {
  absl::StatusOr<DelayOffsetFile> file = DelayOffsetFile::Decode(text);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : DelayOffsetFile{};
}

TEST(DelayOffsetFile, DecodesTheJavaStoresFiles) {
  EXPECT_THAT(MustDecode(JavaConfigFile("delayOffset.json")).offset_table,
              ElementsAre(Pair(1, 3), Pair(2, 3), Pair(3, 0)));
  EXPECT_THAT(MustDecode(JavaConfigFile("delayOffset.json.bak")).offset_table,
              ElementsAre(Pair(1, 3), Pair(2, 3)));
}

TEST(DelayOffsetFile, EncodesTheJavaStoresFilesByteForByte) {
  for (const char* name : {"delayOffset.json", "delayOffset.json.bak"}) {
    const std::string& java = JavaConfigFile(name);
    EXPECT_EQ(MustDecode(java).Encode(), java) << name;
  }
  DelayOffsetFile file;
  file.offset_table = {{1, 3}, {2, 3}, {3, 0}};
  EXPECT_EQ(file.Encode(), "{\n\t\"offsetTable\":{1:3,2:3,3:0\n\t}\n}");
}

TEST(DelayOffsetFile, EmptyTableIsWrittenAsTwoBraces) {
  EXPECT_EQ(DelayOffsetFile{}.Encode(), "{\n\t\"offsetTable\":{}\n}");
  EXPECT_EQ(MustDecode(DelayOffsetFile{}.Encode()), DelayOffsetFile{});
}

TEST(DelayOffsetFile, RoundTripsNegativeAndLargeOffsets) {
  DelayOffsetFile file;
  file.offset_table = {{1, -1}, {18, 9007199254740993}};
  EXPECT_EQ(MustDecode(file.Encode()), file);
}

TEST(DelayOffsetFile, RejectsLevelsThatAreNotIntegers) {
  EXPECT_FALSE(DelayOffsetFile::Decode(R"({"offsetTable":{"one":3}})").ok());
  EXPECT_FALSE(DelayOffsetFile::Decode(R"({"offsetTable":{1:"three"}})").ok());
  EXPECT_FALSE(DelayOffsetFile::Decode(R"({"offsetTable":3})").ok());
}

}  // namespace
}  // namespace tern::engine::metadata
