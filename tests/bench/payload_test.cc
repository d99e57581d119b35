// Bench payloads: written, checked, and every kind of damage detected.
#include "bench/load/payload.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tern::load {
namespace {

std::vector<uint8_t> Make(uint32_t id, uint64_t seq, size_t size) {
  std::vector<uint8_t> b(size);
  WritePayload(id, seq, b);
  return b;
}

TEST(Payload, RoundTripsIdAndSequenceAtEverySize) {
  for (size_t size :
       {size_t{24}, size_t{25}, size_t{128}, size_t{280}, size_t{4096}, size_t{100000}}) {
    const std::vector<uint8_t> b = Make(0xCAFE0001, 123456789012ull, size);
    PayloadId id;
    ASSERT_EQ(CheckPayload(b, &id), PayloadCheck::kOk) << size;
    EXPECT_EQ(id.producer_id, 0xCAFE0001u);
    EXPECT_EQ(id.sequence, 123456789012ull);
  }
}

TEST(Payload, AnyFlippedBitIsAChecksumMismatch) {
  const std::vector<uint8_t> good = Make(7, 42, 128);
  for (size_t byte = 4; byte < good.size(); ++byte) {
    std::vector<uint8_t> b = good;
    b[byte] ^= 0x10;
    PayloadId id;
    EXPECT_EQ(CheckPayload(b, &id), PayloadCheck::kChecksumMismatch) << byte;
  }
}

TEST(Payload, BodiesOfOtherSequencesDiffer) {
  // The filler rotates with the sequence, so swapped bodies cannot pass as each other.
  const std::vector<uint8_t> a = Make(7, 1, 128);
  const std::vector<uint8_t> b = Make(7, 2, 128);
  EXPECT_NE(std::vector<uint8_t>(a.begin() + 24, a.end()),
            std::vector<uint8_t>(b.begin() + 24, b.end()));
}

TEST(Payload, TruncatedOrForeignBodiesAreNotBenchPayloads) {
  PayloadId id;
  const std::vector<uint8_t> good = Make(7, 42, 128);
  EXPECT_EQ(CheckPayload(ByteSpan(good).first(23), &id), PayloadCheck::kForeign);
  EXPECT_EQ(CheckPayload(ByteSpan(good).first(100), &id), PayloadCheck::kChecksumMismatch);
  const std::string text = "hello, this is not a bench payload at all";
  EXPECT_EQ(CheckPayload(AsBytes(text), &id), PayloadCheck::kForeign);
  EXPECT_EQ(CheckPayload(ByteSpan(), &id), PayloadCheck::kForeign);
}

}  // namespace
}  // namespace tern::load
