#include "server/remoting/command_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/base/strings.h"
#include "server/remoting/codes.h"
#include "server/remoting/json_header.h"

namespace tern::remoting {
namespace {

RemotingCommand Decode(const std::string& frame, ByteSpan* body = nullptr) {
  absl::StatusOr<SplitResult> split = SplitFrame(AsBytes(frame));
  EXPECT_TRUE(split.ok() && split->complete());
  if (body != nullptr) *body = split->frame.body;
  absl::StatusOr<RemotingCommand> cmd = DecodeCommand(split->frame);
  EXPECT_TRUE(cmd.ok()) << MessageOf(cmd.status());
  return cmd.ok() ? *std::move(cmd) : RemotingCommand{};
}

RemotingCommand Request(SerializeType type) {
  RemotingCommand cmd = RemotingCommand::Request(request::kQueryConsumerOffset, 77);
  cmd.serialize_type = type;
  cmd.MutableFields().Set("consumerGroup", "g");
  cmd.MutableFields().Set("topic", "t");
  cmd.MutableFields().Set("queueId", "2");
  return cmd;
}

TEST(CommandCodecTest, DispatchesOnSerializeType) {
  for (SerializeType type : {SerializeType::kJson, SerializeType::kRocketMq}) {
    const RemotingCommand cmd = Request(type);
    absl::StatusOr<std::string> frame = EncodeCommandWithBody(cmd, "body!");
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(static_cast<uint8_t>((*frame)[4]), static_cast<uint8_t>(type));
    ByteSpan body;
    const RemotingCommand back = Decode(*frame, &body);
    EXPECT_EQ(back.serialize_type, type);
    EXPECT_EQ(back.code, cmd.code);
    EXPECT_EQ(back.opaque, 77);
    EXPECT_EQ(back.version, version::kCurrent);
    EXPECT_EQ(back.ext_fields, cmd.ext_fields);
    EXPECT_EQ(AsChars(body), "body!");
  }
}

TEST(CommandCodecTest, ResponseUsesTheRequestsType) {
  // 4.9.8 answers a ROCKETMQ request in ROCKETMQ (4.8.0 answered in JSON).
  const RemotingCommand request = Decode(*EncodeCommand(Request(SerializeType::kRocketMq)));
  RemotingCommand response = RemotingCommand::ResponseTo(request, response::kSuccess);
  response.MutableFields().Set("offset", "12");
  absl::StatusOr<std::string> frame = EncodeCommand(response);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ((*frame)[4], 1);
  const RemotingCommand back = Decode(*frame);
  EXPECT_EQ(back.serialize_type, SerializeType::kRocketMq);
  EXPECT_TRUE(back.is_response());
  EXPECT_EQ(back.opaque, 77);
  EXPECT_EQ(*back.Field("offset"), "12");

  const RemotingCommand json_request = Decode(*EncodeCommand(Request(SerializeType::kJson)));
  EXPECT_EQ((*EncodeCommand(RemotingCommand::ResponseTo(json_request, 0)))[4], 0);
}

TEST(CommandCodecTest, PrefixForASeparatelyWrittenBody) {
  const RemotingCommand cmd = Request(SerializeType::kJson);
  const std::string header = EncodeJsonHeader(cmd);
  absl::StatusOr<std::string> prefix = EncodeCommand(cmd, 1000);
  ASSERT_TRUE(prefix.ok());
  ASSERT_EQ(prefix->size(), kFramePrefixSize + header.size());
  EXPECT_EQ(prefix->substr(kFramePrefixSize), header);
  absl::StatusOr<SplitResult> split = SplitFrame(AsBytes(*prefix + std::string(1000, 'b')));
  ASSERT_TRUE(split.ok() && split->complete());
  EXPECT_EQ(split->frame.body.size(), 1000u);

  // Several commands appended to one buffer.
  std::string out;
  ASSERT_TRUE(AppendCommand(cmd, 0, out).ok());
  ASSERT_TRUE(AppendCommand(Request(SerializeType::kRocketMq), 0, out).ok());
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.Feed(AsBytes(out)).ok());
  int n = 0;
  while (true) {
    absl::StatusOr<std::optional<FrameView>> f = decoder.Next();
    ASSERT_TRUE(f.ok());
    if (!f->has_value()) break;
    ASSERT_TRUE(DecodeCommand(**f).ok());
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST(CommandCodecTest, EncodeErrorsLeaveTheBufferUnchanged) {
  RemotingCommand cmd = Request(SerializeType::kRocketMq);
  cmd.code = 70000;  // not a short
  std::string out = "prefix";
  EXPECT_FALSE(AppendCommand(cmd, 0, out).ok());
  EXPECT_EQ(out, "prefix");
  // A header over the 24-bit length.
  RemotingCommand big = Request(SerializeType::kJson);
  big.remark = std::string(kMaxHeaderLength, 'r');
  EXPECT_FALSE(AppendCommand(big, 0, out).ok());
  EXPECT_EQ(out, "prefix");
}

TEST(CommandCodecTest, HeaderErrorsSurface) {
  EXPECT_FALSE(DecodeHeader(SerializeType::kJson, AsBytes("[1]")).ok());
  EXPECT_FALSE(DecodeHeader(SerializeType::kRocketMq, AsBytes("short")).ok());
  FrameView empty;
  EXPECT_FALSE(DecodeCommand(empty).ok());
}

}  // namespace
}  // namespace tern::remoting
