#include "server/remoting/json_header.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"

namespace tern::remoting {
namespace {

// protocol.md 1.3 examples, byte for byte.
constexpr std::string_view kRouteRequest =
    R"({"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":1,)"
    R"("serializeTypeCurrentRPC":"JSON","version":409})";
constexpr std::string_view kRouteResponse =
    R"({"code":0,"flag":1,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON",)"
    R"("version":409})";
constexpr std::string_view kSendResponse =
    R"({"code":0,"extFields":{"MSG_REGION":"DefaultRegion","TRACE_ON":"true",)"
    R"("msgId":"C0A8010A00002A9F0000000040000100","queueId":"1","queueOffset":"17"},"flag":1,)"
    R"("language":"JAVA","opaque":42,"serializeTypeCurrentRPC":"JSON","version":409})";

RemotingCommand MustDecode(std::string_view text) {
  absl::StatusOr<RemotingCommand> cmd = DecodeJsonHeader(text);
  EXPECT_TRUE(cmd.ok()) << text << ": " << MessageOf(cmd.status());
  return cmd.ok() ? *std::move(cmd) : RemotingCommand{};
}

std::string Field(const RemotingCommand& cmd, std::string_view key) {
  const std::string* v = cmd.Field(key);
  return v == nullptr ? "<missing>" : *v;
}

void ExpectError(std::string_view text, std::string_view fragment = {}) {
  absl::StatusOr<RemotingCommand> cmd = DecodeJsonHeader(text);
  ASSERT_FALSE(cmd.ok()) << text;
  EXPECT_EQ(cmd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf(cmd.status()).find(fragment), std::string_view::npos)
      << MessageOf(cmd.status());
}

TEST(JsonHeaderTest, EncodesProtocolExamplesByteForByte) {
  RemotingCommand route = RemotingCommand::Request(request::kGetRouteinfoByTopic, 1);
  route.MutableFields().Set("topic", "TopicTest");
  EXPECT_EQ(EncodeJsonHeader(route), kRouteRequest);

  RemotingCommand response = RemotingCommand::ResponseTo(route, response::kSuccess);
  EXPECT_EQ(EncodeJsonHeader(response), kRouteResponse);

  RemotingCommand send;
  send.opaque = 42;
  RemotingCommand send_response = RemotingCommand::ResponseTo(send, response::kSuccess);
  ExtFields& f = send_response.MutableFields();
  f.Set("MSG_REGION", "DefaultRegion");
  f.Set("TRACE_ON", "true");
  f.Set("msgId", "C0A8010A00002A9F0000000040000100");
  f.Set("queueId", "1");
  f.Set("queueOffset", "17");
  EXPECT_EQ(EncodeJsonHeader(send_response), kSendResponse);
}

TEST(JsonHeaderTest, DecodesProtocolExamples) {
  const RemotingCommand route = MustDecode(kRouteRequest);
  EXPECT_EQ(route.code, 105);
  EXPECT_EQ(route.language, LanguageCode::kJava);
  EXPECT_EQ(route.version, 409);
  EXPECT_EQ(route.opaque, 1);
  EXPECT_EQ(route.flag, 0);
  EXPECT_FALSE(route.remark.has_value());
  EXPECT_EQ(route.serialize_type, SerializeType::kJson);
  EXPECT_EQ(Field(route, "topic"), "TopicTest");
  EXPECT_EQ(EncodeJsonHeader(route), kRouteRequest);

  const RemotingCommand response = MustDecode(kRouteResponse);
  EXPECT_TRUE(response.is_response());
  EXPECT_FALSE(response.ext_fields.has_value());
  EXPECT_EQ(EncodeJsonHeader(response), kRouteResponse);

  EXPECT_EQ(EncodeJsonHeader(MustDecode(kSendResponse)), kSendResponse);
}

TEST(JsonHeaderTest, ExtFieldValuesAreCoercedToStrings) {
  // ali-ons / cpp style: numbers (64-bit, negative) and booleans.
  const RemotingCommand cmd =
      MustDecode(R"({"code":310,"language":"JAVA","opaque":7,"flag":0,"version":121,"extFields":{)"
                 R"("e":0,"g":1795934895583,"commitOffset":-1,"k":false,"m":true,"d":4,)"
                 R"("big":9223372036854775807,"min":-9223372036854775808,"u":18446744073709551615,)"
                 R"("huge":123456789012345678901234567890,"neg0":-0,"frac":1.5,"exp":1e3,)"
                 R"("s":"text","n":null}})");
  EXPECT_EQ(Field(cmd, "e"), "0");
  EXPECT_EQ(Field(cmd, "g"), "1795934895583");
  EXPECT_EQ(Field(cmd, "commitOffset"), "-1");
  EXPECT_EQ(Field(cmd, "k"), "false");
  EXPECT_EQ(Field(cmd, "m"), "true");
  EXPECT_EQ(Field(cmd, "d"), "4");
  EXPECT_EQ(Field(cmd, "big"), "9223372036854775807");
  EXPECT_EQ(Field(cmd, "min"), "-9223372036854775808");
  EXPECT_EQ(Field(cmd, "u"), "18446744073709551615");
  EXPECT_EQ(Field(cmd, "huge"), "123456789012345678901234567890");
  EXPECT_EQ(Field(cmd, "neg0"), "0");
  EXPECT_EQ(Field(cmd, "frac"), "1.5");
  EXPECT_EQ(Field(cmd, "exp"), "1e3");
  EXPECT_EQ(Field(cmd, "s"), "text");
  EXPECT_EQ(Field(cmd, "n"), "<missing>");  // null is skipped
  EXPECT_EQ(cmd.ext_fields->size(), 14u);
  // Encoding emits strings only.
  const std::string out = EncodeJsonHeader(cmd);
  EXPECT_NE(out.find(R"("g":"1795934895583")"), std::string::npos);
  EXPECT_NE(out.find(R"("k":"false")"), std::string::npos);
  EXPECT_NE(out.find(R"("commitOffset":"-1")"), std::string::npos);
  EXPECT_EQ(out.find("null"), std::string::npos);
}

TEST(JsonHeaderTest, NestedExtValuesAreSkipped) {
  const RemotingCommand cmd =
      MustDecode(R"({"code":1,"extFields":{"a":{"x":[1,{"y":2}]},"b":[1,2],"c":"kept"}})");
  ASSERT_TRUE(cmd.ext_fields.has_value());
  EXPECT_EQ(cmd.ext_fields->size(), 1u);
  EXPECT_EQ(Field(cmd, "c"), "kept");
}

TEST(JsonHeaderTest, RemarkForms) {
  EXPECT_FALSE(MustDecode(R"({"code":1})").remark.has_value());
  EXPECT_FALSE(MustDecode(R"({"code":1,"remark":null})").remark.has_value());
  EXPECT_EQ(MustDecode(R"({"code":1,"remark":""})").remark, "");
  EXPECT_EQ(MustDecode(R"({"code":1,"remark":"x\ny\"z\\"})").remark, "x\ny\"z\\");
  EXPECT_EQ(MustDecode(R"({"code":1,"remark":"\u00e9\u0000!"})").remark,
            std::string("\xC3\xA9\0!", 4));
}

TEST(JsonHeaderTest, ExtFieldsForms) {
  EXPECT_FALSE(MustDecode(R"({"code":1})").ext_fields.has_value());
  EXPECT_FALSE(MustDecode(R"({"code":1,"extFields":null})").ext_fields.has_value());
  const RemotingCommand empty = MustDecode(R"({"code":1,"extFields":{}})");
  ASSERT_TRUE(empty.ext_fields.has_value());
  EXPECT_TRUE(empty.ext_fields->empty());
  // {} survives encoding (4.8.0 sends it on several responses).
  EXPECT_NE(EncodeJsonHeader(empty).find(R"("extFields":{})"), std::string::npos);
  // A repeated key resolves to the last value; a repeated extFields replaces the first.
  EXPECT_EQ(Field(MustDecode(R"({"extFields":{"a":"1","a":"2"}})"), "a"), "2");
  const RemotingCommand twice = MustDecode(R"({"extFields":{"a":"1"},"extFields":{"b":"2"}})");
  EXPECT_EQ(Field(twice, "a"), "<missing>");
  EXPECT_EQ(Field(twice, "b"), "2");
}

TEST(JsonHeaderTest, AnyKeyOrderUnknownKeysAndGoStyle) {
  // ali-ons order, no serializeTypeCurrentRPC.
  const RemotingCommand ons = MustDecode(
      R"({"code":34,"language":"JAVA","opaque":3,"flag":0,"version":121,"extFields":{}})");
  EXPECT_EQ(ons.code, 34);
  EXPECT_EQ(ons.opaque, 3);
  EXPECT_EQ(ons.version, 121);
  // Go: empty remark; unknown keys of any shape are ignored.
  const RemotingCommand go = MustDecode(
      R"( {"code":10,"language":"GO","version":317,"opaque":5,"flag":0,"remark":"",)"
      R"("extFields":{"a":"g"},"serializeTypeCurrentRPC":"ROCKETMQ","future":{"x":[1,2,{}]},)"
      R"("more":[],"n":null} )");
  EXPECT_EQ(go.language, LanguageCode::kGo);
  EXPECT_EQ(go.version, 317);
  EXPECT_EQ(go.remark, "");
  EXPECT_EQ(Field(go, "a"), "g");
  EXPECT_EQ(go.serialize_type, SerializeType::kJson);
}

TEST(JsonHeaderTest, LanguageForms) {
  EXPECT_EQ(MustDecode(R"({"language":"CPP"})").language, LanguageCode::kCpp);
  EXPECT_EQ(MustDecode(R"({"language":"RUST"})").language, LanguageCode::kRust);
  EXPECT_EQ(MustDecode(R"({"language":"KOTLIN"})").language, LanguageCode::kOther);
  EXPECT_EQ(MustDecode(R"({"language":9})").language, LanguageCode::kGo);  // ordinal
  EXPECT_EQ(MustDecode(R"({"language":null})").language, LanguageCode::kJava);
  EXPECT_EQ(MustDecode(R"({"code":1})").language, LanguageCode::kJava);
  ExpectError(R"({"language":13})", "language");
  ExpectError(R"({"language":true})", "language");
}

TEST(JsonHeaderTest, IntegerFields) {
  const RemotingCommand cmd =
      MustDecode(R"({"code":-1,"opaque":2147483647,"flag":"3","version":-2147483648})");
  EXPECT_EQ(cmd.code, -1);
  EXPECT_EQ(cmd.opaque, 2147483647);
  EXPECT_EQ(cmd.flag, 3);  // fastjson coerces numeric strings
  EXPECT_EQ(cmd.version, -2147483648);
  EXPECT_EQ(MustDecode(R"({"code":null})").code, 0);
  ExpectError(R"({"code":2147483648})", "'code' is not an int");
  ExpectError(R"({"opaque":1.5})", "'opaque'");
  ExpectError(R"({"flag":true})", "'flag'");
  ExpectError(R"({"version":"x"})", "'version'");
}

TEST(JsonHeaderTest, MalformedHeadersAreErrors) {
  ExpectError("", "empty");
  ExpectError("[]", "not a JSON object");
  ExpectError("[1,2]", "not a JSON object");
  ExpectError("5", "not a JSON object");
  ExpectError(R"("code")", "not a JSON object");
  ExpectError("null", "not a JSON object");
  ExpectError("{", "parse error");
  ExpectError(R"({"code":1} {})", "parse error");
  ExpectError(R"({"code":1}x)", "parse error");
  ExpectError(R"({code:1})", "parse error");
  ExpectError(R"({"code":1,})", "parse error");
  ExpectError(std::string_view("{\"code\":1}\0", 11), "NUL");
  ExpectError(std::string_view("{\"remark\":\"a\0b\"}", 16), "NUL");
  ExpectError(R"({"extFields":"a=b"})", "extFields");
  ExpectError(R"({"extFields":[]})", "extFields");
  ExpectError(R"({"remark":"unterminated})");
  std::string deep = R"({"x":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}";
  ExpectError(deep, "nesting");
}

TEST(JsonHeaderTest, EscapingRoundTrips) {
  RemotingCommand cmd;
  cmd.code = 17;
  cmd.flag = 1;
  cmd.remark = "quote\" backslash\\ nl\n tab\t ctl\x01 del\x7f /slash \xC3\xA9";
  cmd.MutableFields().Set("i", "WAIT\x01true\x02");
  cmd.MutableFields().Set("k\"ey", "");
  const std::string text = EncodeJsonHeader(cmd);
  EXPECT_EQ(text,
            R"({"code":17,"extFields":{"i":"WAIT\u0001true\u0002","k\"ey":""},"flag":1,)"
            R"("language":"JAVA","opaque":0,"remark":"quote\" backslash\\ nl\n tab\t ctl\u0001 )"
            "del\\u007F /slash \xC3\xA9\",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":0}");
  const RemotingCommand back = MustDecode(text);
  EXPECT_EQ(back.remark, cmd.remark);
  EXPECT_EQ(back.ext_fields, cmd.ext_fields);
}

}  // namespace
}  // namespace tern::remoting
