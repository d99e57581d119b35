// ScanPullBody: records of a pull response read in place, compressed bodies inflated,
// damage reported.
#include "bench/load/record_scan.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "bench/load/payload.h"
#include "tests/util/test_records.h"

namespace tern::load {
namespace {

std::string Payload(uint32_t id, uint64_t seq, size_t size) {
  std::string b(size, '\0');
  WritePayload(id, seq, MutableByteSpan(reinterpret_cast<uint8_t*>(b.data()), size));
  return b;
}

std::vector<uint8_t> Record(const std::string& body, int64_t queue_offset, int32_t sys_flag = 0) {
  testing::TestMessage m;
  m.body = body;
  m.sys_flag = sys_flag;
  m.WithTag("TagA").WithKeys("k-1").WithUniqKey("7F000001000000000000000000000001");
  std::vector<uint8_t> r = m.Encode();
  engine::PatchAppendFields(r.data(), QueueOffset(queue_offset), PhysicalOffset(1000),
                            1700000000001);
  return r;
}

TEST(ScanPullBody, ReadsEveryRecordInPlace) {
  std::vector<uint8_t> body;
  for (int i = 0; i < 3; ++i) {
    const std::vector<uint8_t> r = Record(Payload(5, i, 128), 40 + i);
    body.insert(body.end(), r.begin(), r.end());
  }
  std::vector<Verifier::Item> items;
  std::deque<std::string> inflated;
  ASSERT_TRUE(ScanPullBody(body, &items, &inflated).ok());
  ASSERT_EQ(items.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].queue_offset, 40 + i);
    // Zero copy: the body points into the response.
    EXPECT_GE(items[i].body.data(), body.data());
    EXPECT_LT(items[i].body.data(), body.data() + body.size());
    PayloadId id;
    EXPECT_EQ(CheckPayload(items[i].body, &id), PayloadCheck::kOk);
    EXPECT_EQ(id.sequence, static_cast<uint64_t>(i));
  }
  EXPECT_TRUE(inflated.empty());
}

TEST(ScanPullBody, InflatesCompressedBodies) {
  const std::string payload = Payload(5, 9, 8192);
  uLongf n = compressBound(payload.size());
  std::string z(n, '\0');
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(z.data()), &n,
                      reinterpret_cast<const Bytef*>(payload.data()), payload.size(), 5),
            Z_OK);
  z.resize(n);
  const std::vector<uint8_t> body = Record(z, 7, /*sys_flag=*/0x1);
  std::vector<Verifier::Item> items;
  std::deque<std::string> inflated;
  ASSERT_TRUE(ScanPullBody(body, &items, &inflated).ok());
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(AsChars(items[0].body), payload);
  EXPECT_EQ(items[0].queue_offset, 7);
}

TEST(ScanPullBody, AFlippedBodyByteIsDataLossAfterTheGoodRecords) {
  std::vector<uint8_t> body = Record(Payload(5, 0, 128), 0);
  const size_t first = body.size();
  const std::vector<uint8_t> second = Record(Payload(5, 1, 128), 1);
  body.insert(body.end(), second.begin(), second.end());
  const engine::DecodeResult d = engine::DecodeRecord(second, engine::CrcCheck::kVerify);
  ASSERT_EQ(d.status, engine::DecodeStatus::kRecord);
  body[first + static_cast<size_t>(d.record.body.data() - second.data()) + 50] ^= 0xFF;
  std::vector<Verifier::Item> items;
  std::deque<std::string> inflated;
  const absl::Status s = ScanPullBody(body, &items, &inflated);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  ASSERT_EQ(items.size(), 1u);
  EXPECT_LT(items[0].body.data(), body.data() + first);
}

TEST(ScanPullBody, ATruncatedResponseIsDataLoss) {
  const std::vector<uint8_t> body = Record(Payload(5, 0, 128), 0);
  std::vector<Verifier::Item> items;
  std::deque<std::string> inflated;
  EXPECT_EQ(ScanPullBody(ByteSpan(body).first(body.size() - 1), &items, &inflated).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(items.empty());
}

}  // namespace
}  // namespace tern::load
