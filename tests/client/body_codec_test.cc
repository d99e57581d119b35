#include "client/body_codec.h"

#include <gtest/gtest.h>
#include <lz4frame.h>
#include <zstd.h>

namespace tern::client {
namespace {

std::string Text() {
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "message body " + std::to_string(i) + ";";
  return s;
}

std::string Lz4Frame(const std::string& in) {
  std::string out(LZ4F_compressFrameBound(in.size(), nullptr), '\0');
  const size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), nullptr);
  EXPECT_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

std::string ZstdFrame(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

TEST(BodyCodec, InflatesEveryCompressionTypeJavaWrites) {
  const std::string text = Text();
  auto z = Deflate(AsBytes(text), 5);
  ASSERT_TRUE(z.ok());
  EXPECT_LT(z->size(), text.size());
  EXPECT_EQ(*Inflate(AsBytes(*z), 0x1), text);    // pre-4.9.4: no type bits
  EXPECT_EQ(*Inflate(AsBytes(*z), 0x301), text);  // 4.9.4+: type 3 = zlib
  const std::string lz4 = Lz4Frame(text);
  EXPECT_EQ(*Inflate(AsBytes(lz4), 0x101), text);
  const std::string zstd = ZstdFrame(text);
  EXPECT_EQ(*Inflate(AsBytes(zstd), 0x201), text);
}

TEST(BodyCodec, CorruptTruncatedOrUnknownBodiesAreErrors) {
  const std::string text = Text();
  const std::string z = *Deflate(AsBytes(text), 5);
  EXPECT_EQ(Inflate(AsBytes(z.substr(0, z.size() / 2)), 0x1).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_FALSE(Inflate(AsBytes(std::string("not compressed at all")), 0x1).ok());
  const std::string lz4 = Lz4Frame(text);
  EXPECT_FALSE(Inflate(AsBytes(lz4.substr(0, lz4.size() - 5)), 0x101).ok());
  const std::string zstd = ZstdFrame(text);
  EXPECT_FALSE(Inflate(AsBytes(zstd.substr(0, zstd.size() - 5)), 0x201).ok());
  EXPECT_FALSE(Inflate(AsBytes(z), 0x401).ok());  // type 4 does not exist
}

TEST(BodyCodec, ABombIsCappedNotInflated) {
  const std::string zeros(kMaxInflatedSize + 1024, '\0');
  const std::string z = *Deflate(AsBytes(zeros), 9);
  EXPECT_LT(z.size(), size_t{1} << 20);
  EXPECT_EQ(Inflate(AsBytes(z), 0x1).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tern::client
