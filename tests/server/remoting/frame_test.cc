#include "server/remoting/frame.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/base/strings.h"

namespace tern::remoting {
namespace {

// protocol.md 1.3: the JSON route request, a 131-byte header.
constexpr std::string_view kRouteHeader =
    R"({"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":1,)"
    R"("serializeTypeCurrentRPC":"JSON","version":409})";

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string RouteFrame(std::string_view body = {}) {
  absl::StatusOr<std::string> f = EncodeFrameWithBody(SerializeType::kJson, kRouteHeader, body);
  EXPECT_TRUE(f.ok());
  return *f;
}

TEST(FrameTest, EncodeFrameMatchesProtocolExample) {
  ASSERT_EQ(kRouteHeader.size(), 131u);
  const std::string frame = RouteFrame();
  EXPECT_EQ(frame.substr(0, 10),
            Bytes({0x00, 0x00, 0x00, 0x87, 0x00, 0x00, 0x00, 0x83, 0x7B, 0x22}));
  EXPECT_EQ(frame.substr(8), kRouteHeader);

  absl::StatusOr<std::string> prefix = EncodeFrame(SerializeType::kRocketMq, "abc", 1000);
  ASSERT_TRUE(prefix.ok());
  // L = 4 + 3 + 1000 = 1007, header word = 1 << 24 | 3.
  EXPECT_EQ(*prefix, Bytes({0x00, 0x00, 0x03, 0xEF, 0x01, 0x00, 0x00, 0x03, 'a', 'b', 'c'}));
}

TEST(FrameTest, SplitCompleteFrame) {
  const std::string frame = RouteFrame("BODY");
  absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(frame));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->complete());
  EXPECT_EQ(r->frame.serialize_type, SerializeType::kJson);
  EXPECT_EQ(AsChars(r->frame.header), kRouteHeader);
  EXPECT_EQ(AsChars(r->frame.body), "BODY");
  EXPECT_EQ(r->frame.size, frame.size());
}

TEST(FrameTest, EveryTruncationNeedsMoreBytes) {
  const std::string frame = RouteFrame("some body bytes");
  for (size_t n = 0; n < frame.size(); ++n) {
    absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(frame).first(n));
    ASSERT_TRUE(r.ok()) << n;
    EXPECT_FALSE(r->complete()) << n;
    EXPECT_EQ(r->bytes_needed, n < kFramePrefixSize ? kFramePrefixSize : frame.size()) << n;
    EXPECT_GT(r->bytes_needed, n);
  }
}

TEST(FrameTest, TrailingBytesAreTheNextFrame) {
  const std::string two = RouteFrame("1") + RouteFrame("22");
  absl::StatusOr<SplitResult> first = SplitFrame(AsBytes(two));
  ASSERT_TRUE(first.ok() && first->complete());
  EXPECT_EQ(AsChars(first->frame.body), "1");
  absl::StatusOr<SplitResult> second = SplitFrame(AsBytes(two).subspan(first->frame.size));
  ASSERT_TRUE(second.ok() && second->complete());
  EXPECT_EQ(AsChars(second->frame.body), "22");
  EXPECT_EQ(first->frame.size + second->frame.size, two.size());
}

TEST(FrameTest, FrameLengthBelowFourIsAnError) {
  for (int l = 0; l < 4; ++l) {
    const std::string prefix = Bytes({0, 0, 0, l});
    absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(prefix));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << l;
  }
  // L = 4 with H = 0 is a frame (an empty header the header codecs then reject).
  const std::string empty = Bytes({0, 0, 0, 4, 0, 0, 0, 0});
  absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(empty));
  ASSERT_TRUE(r.ok() && r->complete());
  EXPECT_TRUE(r->frame.header.empty());
  EXPECT_TRUE(r->frame.body.empty());
}

TEST(FrameTest, OversizedFrameRejectedFromTheLengthAlone) {
  // 16 MiB is accepted, one more byte is not; negative Java ints are huge.
  const std::string max = Bytes({0x01, 0x00, 0x00, 0x00});
  absl::StatusOr<SplitResult> ok = SplitFrame(AsBytes(max));
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->complete());
  for (const std::string& prefix :
       {Bytes({0x01, 0x00, 0x00, 0x01}), Bytes({0x7F, 0xFF, 0xFF, 0xFF}),
        Bytes({0xFF, 0xFF, 0xFF, 0xFF}), Bytes({0x80, 0, 0, 0})}) {
    absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(prefix));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(MessageOf(r.status()).find("exceeds the limit"), std::string_view::npos);
  }
}

TEST(FrameTest, MaxFrameLengthIsConfigurable) {
  const std::string frame = RouteFrame();  // L = 135
  EXPECT_TRUE(SplitFrame(AsBytes(frame), FrameLimits{.max_frame_length = 135}).ok());
  EXPECT_FALSE(SplitFrame(AsBytes(frame), FrameLimits{.max_frame_length = 134}).ok());
  EXPECT_FALSE(SplitFrame(AsBytes(frame).first(4), FrameLimits{.max_frame_length = 134}).ok());
}

TEST(FrameTest, HeaderLongerThanFrameIsAnError) {
  // L = 10: at most 6 header bytes.
  EXPECT_TRUE(SplitFrame(AsBytes(Bytes({0, 0, 0, 10, 0, 0, 0, 6}))).ok());
  absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(Bytes({0, 0, 0, 10, 0, 0, 0, 7})));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(MessageOf(r.status()).find("header length 7"), std::string_view::npos);
  // A 24-bit header length far beyond the frame.
  EXPECT_FALSE(SplitFrame(AsBytes(Bytes({0, 0, 0, 10, 1, 0xFF, 0xFF, 0xFF}))).ok());
}

TEST(FrameTest, UnknownSerializeTypeIsAnError) {
  for (int type : {2, 0x10, 0x7F, 0xFF}) {
    absl::StatusOr<SplitResult> r = SplitFrame(AsBytes(Bytes({0, 0, 0, 10, type, 0, 0, 2})));
    ASSERT_FALSE(r.ok()) << type;
    EXPECT_NE(MessageOf(r.status()).find("serialize type"), std::string_view::npos);
  }
  absl::StatusOr<SplitResult> binary = SplitFrame(AsBytes(Bytes({0, 0, 0, 6, 1, 0, 0, 2, 9, 9})));
  ASSERT_TRUE(binary.ok() && binary->complete());
  EXPECT_EQ(binary->frame.serialize_type, SerializeType::kRocketMq);
}

TEST(FrameTest, PrefixEncodingLimits) {
  std::string out;
  EXPECT_FALSE(AppendFramePrefix(SerializeType::kJson, kMaxHeaderLength + 1, 0, out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(AppendFramePrefix(SerializeType::kJson, 10, size_t{1} << 31, out).ok());
  EXPECT_TRUE(AppendFramePrefix(SerializeType::kJson, kMaxHeaderLength, 0, out).ok());
  EXPECT_EQ(out, Bytes({0x01, 0x00, 0x00, 0x03, 0x00, 0xFF, 0xFF, 0xFF}));
}

TEST(FrameDecoderTest, ByteByByte) {
  const std::string stream = RouteFrame("abc") + RouteFrame() + RouteFrame("xyz");
  FrameDecoder decoder;
  std::vector<std::string> bodies;
  for (char c : stream) {
    ASSERT_TRUE(decoder.Feed(AsBytes(std::string_view(&c, 1))).ok());
    for (;;) {
      absl::StatusOr<std::optional<FrameView>> f = decoder.Next();
      ASSERT_TRUE(f.ok());
      if (!f->has_value()) break;
      EXPECT_EQ(AsChars((*f)->header), kRouteHeader);
      bodies.emplace_back(AsChars((*f)->body));
    }
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"abc", "", "xyz"}));
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameDecoderTest, RandomChunks) {
  std::string stream;
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    want.push_back(std::string(static_cast<size_t>(i * 37 % 500), static_cast<char>('a' + i % 26)));
    stream += RouteFrame(want.back());
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    FrameDecoder decoder;
    std::vector<std::string> got;
    size_t pos = 0;
    while (pos < stream.size()) {
      const size_t n = std::min<size_t>(stream.size() - pos, rng() % 700 + 1);
      ASSERT_TRUE(decoder.Feed(AsBytes(std::string_view(stream).substr(pos, n))).ok());
      pos += n;
      for (;;) {
        absl::StatusOr<std::optional<FrameView>> f = decoder.Next();
        ASSERT_TRUE(f.ok());
        if (!f->has_value()) {
          EXPECT_GT(decoder.bytes_needed(), decoder.buffered());
          break;
        }
        got.emplace_back(AsChars((*f)->body));
      }
    }
    EXPECT_EQ(got, want);
  }
}

TEST(FrameDecoderTest, ErrorIsSticky) {
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.Feed(AsBytes(RouteFrame("ok"))).ok());
  // The bad prefix is detected by Feed only once the good frame is taken; Next reports it.
  ASSERT_TRUE(decoder.Feed(AsBytes(Bytes({0, 0, 0, 2}))).ok());
  absl::StatusOr<std::optional<FrameView>> first = decoder.Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(AsChars((*first)->body), "ok");
  absl::StatusOr<std::optional<FrameView>> second = decoder.Next();
  ASSERT_FALSE(second.ok());
  EXPECT_FALSE(decoder.Next().ok());
  EXPECT_FALSE(decoder.Feed(AsBytes(RouteFrame())).ok());
}

TEST(FrameDecoderTest, FeedRejectsABadPrefixAtOnce) {
  FrameDecoder decoder(FrameLimits{.max_frame_length = 100});
  EXPECT_TRUE(decoder.Feed(AsBytes(Bytes({0, 0}))).ok());
  EXPECT_EQ(decoder.bytes_needed(), kFramePrefixSize);
  const absl::Status s = decoder.Feed(AsBytes(Bytes({0, 101})));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(decoder.buffered(), 0u);
}

}  // namespace
}  // namespace tern::remoting
