#include "server/protocol/json_writer.h"

#include <gtest/gtest.h>

#include "engine/metadata/fastjson.h"

namespace tern::protocol {
namespace {

TEST(JsonWriter, WritesCompactJsonWithoutWhitespace) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.Int(-1);
  w.Key("b");
  w.BeginArray();
  w.String("x");
  w.Bool(true);
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Key("c");
  w.BeginArray();
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(std::move(w).Finish(), R"({"a":-1,"b":["x",true,{}],"c":[]})");
}

TEST(JsonWriter, QuotesIntegerKeys) {
  JsonWriter w;
  w.BeginObject();
  w.IntKey(0);
  w.String("127.0.0.1:10911");
  w.IntKey(-3);
  w.Int(1);
  w.EndObject();
  EXPECT_EQ(std::move(w).Finish(), R"({"0":"127.0.0.1:10911","-3":1})");
}

TEST(JsonWriter, EscapesStringsAsStrictJson) {
  JsonWriter w;
  w.BeginObject();
  w.Key("k\"ey");
  w.String(std::string("a\\b\n\x01\xC3\xA9", 7));
  w.EndObject();
  const std::string text = std::move(w).Finish();
  EXPECT_EQ(text, "{\"k\\\"ey\":\"a\\\\b\\n\\u0001\xC3\xA9\"}");
  rapidjson::Document doc;
  EXPECT_TRUE(engine::metadata::ParseStrictJson(text, doc).ok());
}

TEST(JsonWriterDeathTest, ValueWhereKeyIsDueAborts) {
  EXPECT_DEATH(
      {
        JsonWriter w;
        w.BeginObject();
        w.Int(1);
      },
      "JsonWriter");
}

}  // namespace
}  // namespace tern::protocol
