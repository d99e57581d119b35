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

namespace tern::protocol {
namespace {

TEST(JsonWriter, WritesBeanKeyedMapsAsFastjsonDoes) {
  JsonWriter w;
  w.BeginObject();
  w.Key("offsetTable");
  w.BeginObject();
  w.ObjectKey(R"({"brokerName":"b","queueId":0,"topic":"T"})");
  w.Int(5);
  w.ObjectKey(R"({"brokerName":"b","queueId":1,"topic":"T"})");
  w.Int(7);
  w.EndObject();
  w.EndObject();
  EXPECT_EQ(std::move(w).Finish(),
            R"({"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:5,)"
            R"({"brokerName":"b","queueId":1,"topic":"T"}:7}})");
}

TEST(JsonWriter, DoublesAlwaysHaveAFraction) {
  JsonWriter w;
  w.BeginArray();
  w.Double(0);
  w.Double(2.5);
  w.Double(1e300 * 1e300);  // not finite: written as 0.0
  w.EndArray();
  EXPECT_EQ(std::move(w).Finish(), "[0.0,2.5,0.0]");
}

}  // namespace
}  // namespace tern::protocol
