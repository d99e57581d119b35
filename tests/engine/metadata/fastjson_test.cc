#include "engine/metadata/fastjson.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/engine/metadata/java_config_files.h"

namespace tern::engine::metadata {
namespace {

using ::testing::HasSubstr;
using testing::JavaConfigFile;
using testing::JavaConfigFiles;

std::string Normalized(std::string_view text) {
  absl::StatusOr<std::string> out = NormalizeFastjson(text);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

bool StrictJsonParses(std::string_view text) {
  rapidjson::Document doc;
  return ParseStrictJson(text, doc).ok();
}

std::string Member(const rapidjson::Value& object, std::string_view name) {
  const rapidjson::Value* v = FindMember(object, name);
  if (v == nullptr) return "<absent>";
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  if (v->IsString()) return StringOf(*v);
  return "<other>";
}

// ---- parsing ----

TEST(FastjsonParse, QuotesBareIntegerKeysLikeConsumerOffsetJson) {
  EXPECT_EQ(Normalized("{\"T@G\":{0:32,1:8,2:0,3:-1\n\t\t}}"),
            "{\"T@G\":{\"0\":32,\"1\":8,\"2\":0,\"3\":-1\n\t\t}}");
}

TEST(FastjsonParse, QuotedAndBareKeysParseAlike) {
  rapidjson::Document bare;
  rapidjson::Document quoted;
  ASSERT_TRUE(ParseFastjson("{0:32,1:8}", bare).ok());
  ASSERT_TRUE(ParseFastjson("{\"0\":32,\"1\":8}", quoted).ok());
  EXPECT_TRUE(bare == quoted);
  EXPECT_EQ(Member(bare, "0"), "32");
  EXPECT_EQ(Member(bare, "1"), "8");
}

TEST(FastjsonParse, ReadsNegativeKeysAndNegativeValues) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParseFastjson("{-1:-5,3:-1}", doc).ok());
  EXPECT_EQ(Member(doc, "-1"), "-5");
  EXPECT_EQ(Member(doc, "3"), "-1");
}

TEST(FastjsonParse, LeavesStringContentsAlone) {
  // Colons, braces, digits and escaped quotes inside string literals are not
  // keys.
  const std::string text = R"({"a{0:1}":"x\"{2:3,4:5}\\", 6:"[7:8]","b":"\\\"9:"})";
  EXPECT_EQ(Normalized(text), R"({"a{0:1}":"x\"{2:3,4:5}\\", "6":"[7:8]","b":"\\\"9:"})");
  rapidjson::Document doc;
  ASSERT_TRUE(ParseFastjson(text, doc).ok());
  EXPECT_EQ(Member(doc, "a{0:1}"), "x\"{2:3,4:5}\\");
  EXPECT_EQ(Member(doc, "6"), "[7:8]");
}

TEST(FastjsonParse, FindsKeysAfterWhitespaceAndInsideArraysOfObjects) {
  EXPECT_EQ(Normalized("[{ 1 : 2 },{\n\t3:4,\r\n 5:[6,7]}]"),
            "[{ \"1\" : 2 },{\n\t\"3\":4,\r\n \"5\":[6,7]}]");
}

TEST(FastjsonParse, LeavesValuesAndStrictJsonUntouched) {
  const std::string strict = JavaConfigFile("topics.json");
  EXPECT_EQ(Normalized(strict), strict);
  EXPECT_EQ(Normalized("{\"a\":true,\"b\":[1,-2,3.5e1],\"c\":null,\"d\":{}}"),
            "{\"a\":true,\"b\":[1,-2,3.5e1],\"c\":null,\"d\":{}}");
}

TEST(FastjsonParse, AcceptsBareIdentifierKeysAsFastjsonDoes) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParseFastjson("{offsetTable:{1:3}}", doc).ok());
  ASSERT_NE(FindMember(doc, "offsetTable"), nullptr);
}

TEST(FastjsonParse, ErrorNamesTheByteOffsetInTheOriginalText) {
  rapidjson::Document doc;
  // The value after "1:" is missing; the '}' is byte 7 of the input (the parser
  // saw it at 11 after four quotes were inserted).
  const absl::Status s = ParseFastjson("{0:1,1:}", doc);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("at byte 7:"));
}

TEST(FastjsonParse, RejectsTruncationTrailingGarbageAndNulBytes) {
  rapidjson::Document doc;
  EXPECT_FALSE(ParseFastjson("", doc).ok());
  EXPECT_FALSE(ParseFastjson("{\"offsetTable\":{1:3", doc).ok());
  EXPECT_FALSE(ParseFastjson("{}}", doc).ok());
  EXPECT_FALSE(ParseFastjson("{} x", doc).ok());
  const absl::Status nul = ParseFastjson(std::string_view("{}\0{", 4), doc);
  ASSERT_FALSE(nul.ok());
  EXPECT_THAT(std::string(nul.message()), HasSubstr("at byte 2: NUL"));
  EXPECT_FALSE(ParseFastjson(std::string_view("{\"a\0\":1}", 8), doc).ok());
}

TEST(FastjsonParse, RejectsNestingDeeperThanTheLimit) {
  rapidjson::Document doc;
  const std::string ok = std::string(kMaxFastjsonDepth, '[') + std::string(kMaxFastjsonDepth, ']');
  EXPECT_TRUE(ParseFastjson(ok, doc).ok());
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const absl::Status s = ParseFastjson(deep, doc);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr(fmt::format("at byte {}: nesting", kMaxFastjsonDepth)));
}

TEST(FastjsonParse, StrictModeRejectsBareKeys) {
  rapidjson::Document doc;
  EXPECT_FALSE(ParseStrictJson("{0:1}", doc).ok());
  EXPECT_TRUE(ParseStrictJson("{\"0\":1}", doc).ok());
  EXPECT_TRUE(ParseFastjson("{0:1}", doc).ok());
}

TEST(FastjsonParse, FailureLeavesTheDocumentNull) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParseFastjson("{\"a\":1}", doc).ok());
  EXPECT_FALSE(ParseFastjson("{\"a\":", doc).ok());
  EXPECT_TRUE(doc.IsNull());
}

TEST(FastjsonParse, ParsesEveryConfigFileOfTheJavaStore) {
  ASSERT_EQ(JavaConfigFiles().size(), 10u);
  for (const auto& [name, text] : JavaConfigFiles()) {
    rapidjson::Document doc;
    const absl::Status s = ParseFastjson(text, doc);
    EXPECT_TRUE(s.ok()) << name << ": " << s;
    EXPECT_TRUE(doc.IsObject()) << name;
  }
}

TEST(FastjsonParse, JavaFilesWithIntegerKeysAreNotStrictJson) {
  // The reason this dialect parser exists.
  EXPECT_FALSE(StrictJsonParses(JavaConfigFile("consumerOffset.json")));
  EXPECT_FALSE(StrictJsonParses(JavaConfigFile("delayOffset.json")));
  EXPECT_TRUE(StrictJsonParses(JavaConfigFile("topics.json")));
  EXPECT_TRUE(StrictJsonParses(JavaConfigFile("subscriptionGroup.json")));
  EXPECT_TRUE(StrictJsonParses(JavaConfigFile("consumerFilter.json")));
}

TEST(FastjsonParse, EveryProperPrefixOfAJavaFileIsAnErrorNeverACrash) {
  for (const auto& [name, text] : JavaConfigFiles()) {
    for (size_t n = 0; n < text.size(); ++n) {
      rapidjson::Document doc;
      EXPECT_FALSE(ParseFastjson(std::string_view(text).substr(0, n), doc).ok())
          << name << " prefix " << n;
    }
  }
}

TEST(FastjsonParse, RandomBytesAndMutatedFilesNeverCrash) {
  std::mt19937 rng(20240601);
  constexpr std::string_view kAlphabet = "{}[]:,\"\\ \t\n0123456789-+.eEtrufalsn\x01\xc2\x80";
  size_t accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text(rng() % 64, '\0');
    for (char& c : text) {
      c = round % 2 == 0 ? kAlphabet[rng() % kAlphabet.size()] : static_cast<char>(rng());
    }
    rapidjson::Document doc;
    accepted += ParseFastjson(text, doc).ok() ? 1 : 0;
  }
  const std::string& base = JavaConfigFile("consumerOffset.json");
  for (int round = 0; round < 2000; ++round) {
    std::string text = base;
    for (int k = 0; k < 1 + round % 4; ++k) {
      text[rng() % text.size()] = kAlphabet[rng() % kAlphabet.size()];
    }
    rapidjson::Document doc;
    accepted += ParseFastjson(text, doc).ok() ? 1 : 0;
  }
  EXPECT_GT(accepted, 0u);  // some mutations (digit for digit) stay valid
}

// ---- writing ----

TEST(FastjsonWriter, WritesBeansOneMemberPerLineWithTabsAndNoSpaces) {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("dataVersion");
  w.BeginObject();
  w.Key("counter");
  w.Int(35);
  w.Key("timestamp");
  w.Int(1795934896315);
  w.EndObject();
  w.Key("order");
  w.Bool(false);
  w.Key("name");
  w.String("T");
  w.EndObject();
  EXPECT_EQ(std::move(w).Finish(),
            "{\n"
            "\t\"dataVersion\":{\n"
            "\t\t\"counter\":35,\n"
            "\t\t\"timestamp\":1795934896315\n"
            "\t},\n"
            "\t\"order\":false,\n"
            "\t\"name\":\"T\"\n"
            "}");
}

TEST(FastjsonWriter, WritesIntegerKeyedMapsCompactlyWithTheCloserOnItsOwnLine) {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("offsetTable");
  w.BeginObject();
  w.Key("T@G");
  w.BeginObject();
  for (int q = 0; q < 4; ++q) {
    w.IntKey(q);
    w.Int(q == 3 ? -1 : q * 8);
  }
  w.EndObject();
  w.EndObject();
  w.EndObject();
  EXPECT_EQ(std::move(w).Finish(),
            "{\n\t\"offsetTable\":{\n\t\t\"T@G\":{0:0,1:8,2:16,3:-1\n\t\t}\n\t}\n}");
}

TEST(FastjsonWriter, WritesEmptyObjectsAsTwoBraces) {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginObject();
  w.EndObject();
  w.Key("b");
  w.BeginObject();
  w.EndObject();
  w.EndObject();
  EXPECT_EQ(std::move(w).Finish(), "{\n\t\"a\":{},\n\t\"b\":{}\n}");

  FastjsonWriter root;
  root.BeginObject();
  root.EndObject();
  EXPECT_EQ(std::move(root).Finish(), "{}");
}

TEST(FastjsonWriter, WritesInt64Extremes) {
  FastjsonWriter w;
  w.BeginObject();
  w.IntKey(INT64_MIN);
  w.Int(INT64_MAX);
  w.EndObject();
  EXPECT_EQ(std::move(w).Finish(), "{-9223372036854775808:9223372036854775807\n}");
}

TEST(FastjsonWriter, EscapesStringsLikeFastjson) {
  struct Case {
    std::string in;
    std::string out;
  };
  const std::vector<Case> cases = {
      {"plain %RETRY%CG_1@x", R"("plain %RETRY%CG_1@x")"},
      {"q\"b\\s/", R"("q\"b\\s/")"},
      {"\b\t\n\f\r", R"("\b\t\n\f\r")"},
      {std::string("\0\x01\x07\x0b\x0e\x1f", 6), R"("\u0000\u0001\u0007\u000B\u000E\u001F")"},
      {"del\x7f", R"("del\u007F")"},
      {"\xc2\x80\xc2\x9f", R"("\u0080\u009F")"},                     // C1 controls
      {"\xc2\xa0\xc3\xa9", "\"\xc2\xa0\xc3\xa9\""},                  // NBSP, e-acute: raw
      {"\xe2\x80\xa8\xe2\x80\xa9", R"("\u2028\u2029")"},             // line/paragraph separators
      {"\xe4\xb8\xbb\xe9\xa2\x98", "\"\xe4\xb8\xbb\xe9\xa2\x98\""},  // CJK: raw UTF-8
      {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},                  // astral: raw UTF-8
      {"\xe2\x80", "\"\xe2\x80\""},                                  // truncated UTF-8: as is
  };
  for (const Case& c : cases) {
    std::string out;
    AppendFastjsonString(c.in, out);
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(FastjsonWriter, EscapedStringsRoundTripThroughTheParser) {
  std::string every_ascii;
  for (int c = 0; c < 0x80; ++c) every_ascii.push_back(static_cast<char>(c));
  const std::vector<std::string> values = {every_ascii,
                                           "\xc2\x80\xc2\x9f\xc2\xa0",
                                           "\xe2\x80\xa8\xe2\x80\xa9",
                                           "\xe4\xb8\xbb\xe9\xa2\x98\"\\\n",
                                           "\xf0\x9f\x98\x80",
                                           ""};
  for (const std::string& v : values) {
    FastjsonWriter w;
    w.BeginObject();
    w.Key(v);
    w.String(v);
    w.EndObject();
    const std::string text = std::move(w).Finish();
    EXPECT_TRUE(StrictJsonParses(text)) << text;
    rapidjson::Document doc;
    ASSERT_TRUE(ParseFastjson(text, doc).ok()) << text;
    ASSERT_EQ(doc.MemberCount(), 1u);
    EXPECT_EQ(StringOf(doc.MemberBegin()->name), v);
    EXPECT_EQ(StringOf(doc.MemberBegin()->value), v);
  }
}

TEST(FastjsonWriter, OutputIsAcceptedByTheDialectParserAndWithoutIntegerKeysByStrictJson) {
  FastjsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginObject();
  w.Key("b");
  w.Bool(true);
  w.Key("c");
  w.Int(-3);
  w.EndObject();
  w.EndObject();
  const std::string text = std::move(w).Finish();
  EXPECT_TRUE(StrictJsonParses(text));
  rapidjson::Document doc;
  EXPECT_TRUE(ParseFastjson(text, doc).ok());

  FastjsonWriter ints;
  ints.BeginObject();
  ints.IntKey(1);
  ints.Int(-1);
  ints.EndObject();
  const std::string int_text = std::move(ints).Finish();
  EXPECT_FALSE(StrictJsonParses(int_text));
  EXPECT_TRUE(ParseFastjson(int_text, doc).ok());
}

TEST(FastjsonWriterDeathTest, MisuseIsABug) {
  EXPECT_DEATH(
      {
        FastjsonWriter w;
        w.BeginObject();
        w.Int(1);  // a value where a key is due
      },
      "FastjsonWriter");
  EXPECT_DEATH(
      {
        FastjsonWriter w;
        w.BeginObject();
        (void)std::move(w).Finish();
      },
      "FastjsonWriter");
}

// ---- readers ----

rapidjson::Document Parsed(std::string_view text) {
  rapidjson::Document doc;
  const absl::Status s = ParseFastjson(text, doc);
  EXPECT_TRUE(s.ok()) << s;
  return doc;
}

TEST(FastjsonReaders, IntegersMayBeStringsOrIntegralDoubles) {
  const rapidjson::Document doc =
      Parsed(R"({"a":"4","b":"-1","c":"+2","d":4.0,"e":7,"f":-9223372036854775808})");
  int32_t i = 0;
  ASSERT_TRUE(ReadMember(doc, "a", "$", i).ok());
  EXPECT_EQ(i, 4);
  ASSERT_TRUE(ReadMember(doc, "b", "$", i).ok());
  EXPECT_EQ(i, -1);
  ASSERT_TRUE(ReadMember(doc, "c", "$", i).ok());
  EXPECT_EQ(i, 2);
  ASSERT_TRUE(ReadMember(doc, "d", "$", i).ok());
  EXPECT_EQ(i, 4);
  ASSERT_TRUE(ReadMember(doc, "e", "$", i).ok());
  EXPECT_EQ(i, 7);
  int64_t l = 0;
  ASSERT_TRUE(ReadMember(doc, "f", "$", l).ok());
  EXPECT_EQ(l, INT64_MIN);
}

TEST(FastjsonReaders, AbsentNullAndEmptyKeepTheDefault) {
  const rapidjson::Document doc = Parsed(R"({"n":null,"e":"","s":"null","str":null})");
  int32_t i = 16;
  bool b = true;
  std::string s = "SINGLE_TAG";
  for (const char* name : {"missing", "n", "e", "s"}) {
    ASSERT_TRUE(ReadMember(doc, name, "$", i).ok()) << name;
    ASSERT_TRUE(ReadMember(doc, name, "$", b).ok()) << name;
  }
  ASSERT_TRUE(ReadMember(doc, "str", "$", s).ok());
  ASSERT_TRUE(ReadMember(doc, "missing", "$", s).ok());
  EXPECT_EQ(i, 16);
  EXPECT_TRUE(b);
  EXPECT_EQ(s, "SINGLE_TAG");
  ASSERT_TRUE(ReadMember(doc, "e", "$", s).ok());  // "" is a real string value
  EXPECT_EQ(s, "");
}

TEST(FastjsonReaders, BooleansFollowJavaCastRules) {
  const rapidjson::Document doc =
      Parsed(R"({"a":"TRUE","b":"false","c":"1","d":0,"e":1,"f":2,"g":"yes"})");
  bool b = false;
  ASSERT_TRUE(ReadMember(doc, "a", "$", b).ok());
  EXPECT_TRUE(b);
  ASSERT_TRUE(ReadMember(doc, "b", "$", b).ok());
  EXPECT_FALSE(b);
  ASSERT_TRUE(ReadMember(doc, "c", "$", b).ok());
  EXPECT_TRUE(b);
  ASSERT_TRUE(ReadMember(doc, "d", "$", b).ok());
  EXPECT_FALSE(b);
  ASSERT_TRUE(ReadMember(doc, "e", "$", b).ok());
  EXPECT_TRUE(b);
  ASSERT_TRUE(ReadMember(doc, "f", "$", b).ok());
  EXPECT_FALSE(b);  // Java: intValue() == 1
  EXPECT_FALSE(ReadMember(doc, "g", "$", b).ok());
}

TEST(FastjsonReaders, WrongTypesAndOutOfRangeValuesAreErrorsNamingThePath) {
  const rapidjson::Document doc =
      Parsed(R"({"big":2147483648,"huge":9223372036854775808,"frac":1.5,)"
             R"("obj":{},"txt":"4x","arr":[1]})");
  int32_t i = 0;
  int64_t l = 0;
  std::string s;
  const absl::Status big = ReadMember(doc, "big", "$.t", i);
  EXPECT_EQ(big.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(big.message()), HasSubstr("$.t.big"));
  EXPECT_TRUE(ReadMember(doc, "big", "$", l).ok());
  EXPECT_EQ(l, 2147483648);
  EXPECT_FALSE(ReadMember(doc, "huge", "$", l).ok());
  EXPECT_FALSE(ReadMember(doc, "frac", "$", l).ok());
  EXPECT_FALSE(ReadMember(doc, "obj", "$", l).ok());
  EXPECT_FALSE(ReadMember(doc, "txt", "$", l).ok());
  EXPECT_FALSE(ReadMember(doc, "arr", "$", s).ok());
  EXPECT_FALSE(ReadMember(doc, "obj", "$", s).ok());
  EXPECT_EQ(l, 2147483648);  // failed reads leave the output alone
}

TEST(FastjsonReaders, StringsAcceptNumbersAndBooleansAsText) {
  const rapidjson::Document doc = Parsed(R"({"n":123,"b":true})");
  std::string s;
  ASSERT_TRUE(ReadMember(doc, "n", "$", s).ok());
  EXPECT_EQ(s, "123");
  ASSERT_TRUE(ReadMember(doc, "b", "$", s).ok());
  EXPECT_EQ(s, "true");
}

TEST(FastjsonReaders, DuplicateMembersResolveToTheLastLikeJavasMapPut) {
  const rapidjson::Document doc = Parsed(R"({"perm":2,"perm":6})");
  int32_t perm = 0;
  ASSERT_TRUE(ReadMember(doc, "perm", "$", perm).ok());
  EXPECT_EQ(perm, 6);
}

TEST(FastjsonReaders, IntegerKeysMustFitInt32) {
  EXPECT_EQ(*Int32Key("0", "$"), 0);
  EXPECT_EQ(*Int32Key("-1", "$"), -1);
  EXPECT_EQ(*Int32Key("2147483647", "$"), 2147483647);
  EXPECT_FALSE(Int32Key("2147483648", "$").ok());
  EXPECT_FALSE(Int32Key("", "$").ok());
  EXPECT_FALSE(Int32Key("1.0", "$").ok());
  EXPECT_FALSE(Int32Key("x", "$.offsetTable").ok());
  EXPECT_THAT(std::string(Int32Key("x", "$.offsetTable").status().message()),
              HasSubstr("$.offsetTable: key \"x\""));
}

}  // namespace
}  // namespace tern::engine::metadata
