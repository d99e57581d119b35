#include "server/remoting/binary_header.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "server/remoting/command_codec.h"
#include "server/remoting/frame.h"

namespace tern::remoting {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      continue;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

// protocol.md 1.4: the route request as ROCKETMQ, the whole frame.
const std::string kRouteFrame = FromHex(
    "00 00 00 2D  01 00 00 29  00 69  00  01 99  00 00 00 01  00 00 00 00  00 00 00 00"
    "00 00 00 14  00 05 74 6F 70 69 63  00 00 00 09 54 6F 70 69 63 54 65 73 74");

RemotingCommand RouteRequest() {
  RemotingCommand cmd = RemotingCommand::Request(request::kGetRouteinfoByTopic, 1);
  cmd.serialize_type = SerializeType::kRocketMq;
  cmd.MutableFields().Set("topic", "TopicTest");
  return cmd;
}

std::string BinaryHeader(const RemotingCommand& cmd) {
  absl::StatusOr<std::string> h = EncodeBinaryHeader(cmd);
  EXPECT_TRUE(h.ok()) << MessageOf(h.status());
  return h.ok() ? *h : std::string();
}

TEST(BinaryHeaderTest, EncodesProtocolExampleByteForByte) {
  const RemotingCommand cmd = RouteRequest();
  const std::string header = BinaryHeader(cmd);
  EXPECT_EQ(header.size(), 41u);
  EXPECT_EQ(header, kRouteFrame.substr(8));
  absl::StatusOr<std::string> frame = EncodeCommand(cmd);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*frame, kRouteFrame);
}

TEST(BinaryHeaderTest, DecodesProtocolExample) {
  absl::StatusOr<SplitResult> split = SplitFrame(AsBytes(kRouteFrame));
  ASSERT_TRUE(split.ok() && split->complete());
  EXPECT_EQ(split->frame.serialize_type, SerializeType::kRocketMq);
  absl::StatusOr<RemotingCommand> cmd = DecodeCommand(split->frame);
  ASSERT_TRUE(cmd.ok()) << MessageOf(cmd.status());
  EXPECT_EQ(cmd->code, 105);
  EXPECT_EQ(cmd->language, LanguageCode::kJava);
  EXPECT_EQ(cmd->version, 409);
  EXPECT_EQ(cmd->opaque, 1);
  EXPECT_EQ(cmd->flag, 0);
  EXPECT_FALSE(cmd->remark.has_value());
  EXPECT_EQ(cmd->serialize_type, SerializeType::kRocketMq);
  ASSERT_TRUE(cmd->ext_fields.has_value());
  EXPECT_EQ(cmd->ext_fields->size(), 1u);
  EXPECT_EQ(*cmd->Field("topic"), "TopicTest");
}

TEST(BinaryHeaderTest, RoundTripWithRemarkAndSignedFields) {
  RemotingCommand cmd;
  cmd.code = -2;
  cmd.language = LanguageCode::kRust;
  cmd.version = -32768;
  cmd.opaque = -5;
  cmd.flag = 3;
  cmd.remark = "r\xC3\xA9mark";
  cmd.MutableFields().Set("b", "2");
  cmd.MutableFields().Set("a", std::string(70000, 'v'));
  absl::StatusOr<RemotingCommand> back = DecodeBinaryHeader(AsBytes(BinaryHeader(cmd)));
  ASSERT_TRUE(back.ok()) << MessageOf(back.status());
  EXPECT_EQ(back->code, -2);
  EXPECT_EQ(back->language, LanguageCode::kRust);
  EXPECT_EQ(back->version, -32768);
  EXPECT_EQ(back->opaque, -5);
  EXPECT_EQ(back->flag, 3);
  EXPECT_EQ(back->remark, cmd.remark);
  EXPECT_EQ(back->ext_fields, cmd.ext_fields);  // insertion order kept
}

TEST(BinaryHeaderTest, EveryTruncationIsAnError) {
  RemotingCommand cmd = RouteRequest();
  cmd.remark = "some remark";
  cmd.MutableFields().Set("queueId", "3");
  const std::string header = BinaryHeader(cmd);
  ASSERT_TRUE(DecodeBinaryHeader(AsBytes(header)).ok());
  for (size_t n = 0; n < header.size(); ++n) {
    absl::StatusOr<RemotingCommand> r = DecodeBinaryHeader(AsBytes(header).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << n;
  }
  // And every truncation of the frame carrying it only asks for more bytes.
  absl::StatusOr<std::string> frame = EncodeCommand(cmd);
  ASSERT_TRUE(frame.ok());
  for (size_t n = 0; n < frame->size(); ++n) {
    absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(*frame).first(n));
    ASSERT_TRUE(r.ok()) << n;
    EXPECT_FALSE(r->complete()) << n;
  }
}

// A fixed part (code 105, JAVA, version 409, opaque 1, flag 0) followed by `rest`.
std::string WithFixed(std::string_view rest_hex) {
  return FromHex("00 69 00 01 99 00 00 00 01 00 00 00 00") + FromHex(rest_hex);
}

void ExpectError(const std::string& header, std::string_view fragment) {
  absl::StatusOr<RemotingCommand> r = DecodeBinaryHeader(AsBytes(header));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf(r.status()).find(fragment), std::string_view::npos) << MessageOf(r.status());
}

TEST(BinaryHeaderTest, BadLengthsAreErrors) {
  ExpectError(WithFixed("FF FF FF FF  00 00 00 00"), "remark length is negative");
  ExpectError(WithFixed("80 00 00 00  00 00 00 00"), "remark length is negative");
  ExpectError(WithFixed("00 00 00 01  00 00 00 00"), "remark length 1");
  ExpectError(WithFixed("7F FF FF FF  00 00 00 00"), "remark length");
  ExpectError(WithFixed("00 00 00 00  FF FF FF FF"), "extFields length is negative");
  ExpectError(WithFixed("00 00 00 00  00 00 00 01  00"), "truncated");
  ExpectError(WithFixed("00 00 00 00  00 00 00 08  00 01 6B 00 00 00 01"), "exceeds");
  // Key length negative, value length negative, value running past the region.
  ExpectError(WithFixed("00 00 00 00  00 00 00 07  FF FF 00 00 00 00 00"),
              "key length is negative");
  ExpectError(WithFixed("00 00 00 00  00 00 00 07  00 01 6B FF FF FF FF"),
              "value length is negative");
  ExpectError(WithFixed("00 00 00 00  00 00 00 08  00 01 6B 00 00 00 02 76  77"), "exceeds");
  // An entry cut short by the region end (the bytes after it belong to no field).
  ExpectError(WithFixed("00 00 00 00  00 00 00 02  00 01 6B"), "key length 1");
  ExpectError(WithFixed("00 00 00 00  00 00 00 00  00"), "left over");
}

TEST(BinaryHeaderTest, ZeroLengthStringsAreNull) {
  // remark length 0, one entry with an empty value, one with an empty key, one kept.
  const std::string header = WithFixed(
      "00 00 00 00  00 00 00 16"
      "00 01 61 00 00 00 00"       // "a" -> ""
      "00 00 00 00 00 01 62"       // "" -> "b"
      "00 01 63 00 00 00 01 64");  // "c" -> "d"
  absl::StatusOr<RemotingCommand> r = DecodeBinaryHeader(AsBytes(header));
  ASSERT_TRUE(r.ok()) << MessageOf(r.status());
  EXPECT_FALSE(r->remark.has_value());
  ASSERT_TRUE(r->ext_fields.has_value());
  EXPECT_EQ(r->ext_fields->size(), 1u);
  EXPECT_EQ(*r->Field("c"), "d");

  // Every entry null: no extFields at all (what an empty map encodes to).
  absl::StatusOr<RemotingCommand> all_null =
      DecodeBinaryHeader(AsBytes(WithFixed("00 00 00 00  00 00 00 07  00 01 61 00 00 00 00")));
  ASSERT_TRUE(all_null.ok());
  EXPECT_FALSE(all_null->ext_fields.has_value());

  RemotingCommand cmd;
  cmd.remark = "";
  absl::StatusOr<RemotingCommand> empty = DecodeBinaryHeader(AsBytes(BinaryHeader(cmd)));
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->remark.has_value());
  EXPECT_FALSE(empty->ext_fields.has_value());
  EXPECT_EQ(BinaryHeader(cmd).size(), kBinaryHeaderMinSize);
}

TEST(BinaryHeaderTest, DuplicateKeysAndUnknownLanguage) {
  const std::string header =
      WithFixed("00 00 00 00  00 00 00 10  00 01 6B 00 00 00 01 31  00 01 6B 00 00 00 01 32");
  absl::StatusOr<RemotingCommand> r = DecodeBinaryHeader(AsBytes(header));
  ASSERT_TRUE(r.ok()) << MessageOf(r.status());
  EXPECT_EQ(r->ext_fields->size(), 1u);
  EXPECT_EQ(*r->Field("k"), "2");

  std::string lang = WithFixed("00 00 00 00  00 00 00 00");
  lang[2] = static_cast<char>(200);
  absl::StatusOr<RemotingCommand> other = DecodeBinaryHeader(AsBytes(lang));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->language, LanguageCode::kOther);
}

TEST(BinaryHeaderTest, EncodeLimits) {
  RemotingCommand cmd;
  cmd.code = 40000;
  EXPECT_FALSE(EncodeBinaryHeader(cmd).ok());
  cmd.code = 10;
  cmd.version = -40000;
  EXPECT_FALSE(EncodeBinaryHeader(cmd).ok());
  cmd.version = 409;
  cmd.MutableFields().Set(std::string(32768, 'k'), "v");
  EXPECT_FALSE(EncodeBinaryHeader(cmd).ok());
  std::string out = "keep";
  EXPECT_FALSE(AppendBinaryHeader(cmd, out).ok());
  EXPECT_EQ(out, "keep");
  cmd.MutableFields().clear();
  cmd.MutableFields().Set(std::string(32767, 'k'), "v");
  absl::StatusOr<RemotingCommand> back = DecodeBinaryHeader(AsBytes(BinaryHeader(cmd)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ext_fields, cmd.ext_fields);
}

}  // namespace
}  // namespace tern::remoting
