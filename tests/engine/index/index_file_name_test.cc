#include "engine/index/index_file_name.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

namespace tern::engine {
namespace {

TEST(IndexFileName, FormatsLocalTimeWithMilliseconds) {
  const int64_t millis = 1'700'000'000'123;
  const std::time_t secs = 1'700'000'000;
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  char expected[80];
  std::snprintf(expected, sizeof expected, "%04d%02d%02d%02d%02d%02d123", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  EXPECT_EQ(IndexFileNameForMillis(millis), expected);
  EXPECT_EQ(IndexFileNameForMillis(millis).size(), kIndexFileNameLength);
  EXPECT_TRUE(IsIndexFileName(IndexFileNameForMillis(millis)));
}

TEST(IndexFileName, RecognisesOnlyValidDateTimes) {
  EXPECT_TRUE(IsIndexFileName("20240101120000123"));
  EXPECT_TRUE(IsIndexFileName("20240229235959999"));   // leap day
  EXPECT_FALSE(IsIndexFileName("20230229000000000"));  // not a leap year
  EXPECT_FALSE(IsIndexFileName("20241301000000000"));
  EXPECT_FALSE(IsIndexFileName("20240101240000000"));
  EXPECT_FALSE(IsIndexFileName("2024010112000012"));
  EXPECT_FALSE(IsIndexFileName("2024010112000012x"));
  EXPECT_FALSE(IsIndexFileName("00000000000000000000"));
}

TEST(IndexFileName, NextNameCarriesThroughTheCalendar) {
  EXPECT_EQ(NextIndexFileName("20240101120000123"), "20240101120000124");
  EXPECT_EQ(NextIndexFileName("20240101120059999"), "20240101120100000");
  EXPECT_EQ(NextIndexFileName("20240228235959999"), "20240229000000000");
  EXPECT_EQ(NextIndexFileName("20231231235959999"), "20240101000000000");
  EXPECT_EQ(NextIndexFileName("99991231235959999"), std::nullopt);
  EXPECT_EQ(NextIndexFileName("garbage"), std::nullopt);
}

TEST(IndexFileName, NewNameSortsAfterTheLastEvenIfTheClockIsBehind) {
  const int64_t now = 1'700'000'000'000;
  const std::string now_name = IndexFileNameForMillis(now);
  EXPECT_EQ(NewIndexFileName(now, ""), now_name);
  EXPECT_EQ(NewIndexFileName(now, "20000101000000000"), now_name);
  // Same millisecond as the last file: the next millisecond.
  EXPECT_EQ(NewIndexFileName(now, now_name), *NextIndexFileName(now_name));
  // Clock stepped back behind the last file's name.
  EXPECT_EQ(NewIndexFileName(now, "29991231235959999"), "30000101000000000");
}

}  // namespace
}  // namespace tern::engine
