#include "engine/commit_log_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/base/crc32.h"
#include "engine/commit_log_format.h"
#include "engine/consume_queue_format.h"
#include "engine/properties.h"
#include "tests/util/test_records.h"

namespace tern::engine {
namespace {

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      continue;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

// protocol.md 4.1 test vector (4.9 form: no trailing \x02 on the properties).
constexpr std::string_view kVectorHex =
    "00 00 00 b3 da a3 20 a7 77 d1 89 82 00 00 00 01"
    "00 00 00 00 00 00 00 00 00 00 00 11 00 00 00 00"
    "40 00 01 00 00 00 00 00 00 00 01 8b cf e5 68 00"
    "c0 a8 01 14 00 00 d0 a4 00 00 01 8b cf e5 68 7b"
    "c0 a8 01 0a 00 00 2a 9f 00 00 00 00 00 00 00 00"
    "00 00 00 00 00 00 00 05 48 65 6c 6c 6f 09 54 6f"
    "70 69 63 54 65 73 74 00 4a 55 4e 49 51 5f 4b 45"
    "59 01 43 30 41 38 30 31 30 41 31 46 36 38 31 38"
    "42 34 41 41 43 32 30 36 34 45 35 41 37 33 30 30"
    "30 31 02 54 41 47 53 01 54 61 67 41 02 43 4c 55"
    "53 54 45 52 01 44 65 66 61 75 6c 74 43 6c 75 73"
    "74 65 72";

constexpr std::string_view kVectorProps =
    "UNIQ_KEY\x01"
    "C0A8010A1F6818B4AAC2064E5A730001\x02TAGS\x01TagA\x02"
    "CLUSTER\x01"
    "DefaultCluster";

MessageToStore VectorMessage(const std::string& body) {
  MessageToStore m;
  m.topic = "TopicTest";
  m.queue_id = 1;
  m.queue_offset = 17;
  m.physical_offset = 0x40000100;
  m.born_timestamp = 1700000000000;
  m.born_host = HostPort::Ipv4(192, 168, 1, 20, 53412);
  m.store_timestamp = 1700000000123;
  m.store_host = HostPort::Ipv4(192, 168, 1, 10, 10911);
  m.body = AsBytes(body);
  m.properties = kVectorProps;
  return m;
}

TEST(CommitLogCodec, EncodesProtocolTestVectorByteForByte) {
  const std::string body = "Hello";
  const MessageToStore m = VectorMessage(body);
  absl::StatusOr<size_t> size = EncodedRecordSize(m);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 179u);
  std::vector<uint8_t> out(*size);
  EncodeRecord(m, out);
  EXPECT_EQ(out, FromHex(kVectorHex));
}

TEST(CommitLogCodec, DecodesProtocolTestVector) {
  const std::vector<uint8_t> bytes = FromHex(kVectorHex);
  const DecodeResult r = DecodeRecord(bytes, CrcCheck::kVerify);
  ASSERT_EQ(r.status, DecodeStatus::kRecord);
  const RecordView& v = r.record;
  EXPECT_EQ(v.total_size(), 179);
  EXPECT_EQ(v.body_crc, 0x77D18982);
  EXPECT_EQ(v.queue_id, 1);
  EXPECT_EQ(v.queue_offset, 17);
  EXPECT_EQ(v.physical_offset, 0x40000100);
  EXPECT_EQ(v.born_host.ToString(), "192.168.1.20:53412");
  EXPECT_EQ(v.store_host.ToString(), "192.168.1.10:10911");
  EXPECT_EQ(v.store_timestamp, 1700000000123);
  EXPECT_EQ(AsChars(v.body), "Hello");
  EXPECT_EQ(v.topic, "TopicTest");
  EXPECT_EQ(v.properties, kVectorProps);
  EXPECT_EQ(FindProperty(v.properties, "TAGS"), "TagA");
  EXPECT_EQ(TagsCodeOf("TagA"), 2598919);
  EXPECT_EQ(OffsetMessageId(v.store_host, PhysicalOffset(v.physical_offset)),
            "C0A8010A00002A9F0000000040000100");
}

TEST(CommitLogCodec, BodyCrcIsZlibCrcMasked) {
  EXPECT_EQ(Crc32(AsBytes("Hello")), 0xF7D18982u);
  EXPECT_EQ(RocketMqCrc(AsBytes("Hello")), 0x77D18982);
}

TEST(CommitLogCodec, EveryTruncationIsCorruptNeverARecord) {
  const std::vector<uint8_t> bytes = FromHex(kVectorHex);
  for (size_t n = 0; n < bytes.size(); ++n) {
    const DecodeResult r = DecodeRecord(ByteSpan(bytes.data(), n), CrcCheck::kVerify);
    EXPECT_EQ(r.status, DecodeStatus::kCorrupt) << "prefix " << n;
  }
}

TEST(CommitLogCodec, FlippedBodyByteFailsCrc) {
  std::vector<uint8_t> bytes = FromHex(kVectorHex);
  bytes[0x58] ^= 0x01;  // inside "Hello"
  const DecodeResult r = DecodeRecord(bytes, CrcCheck::kVerify);
  EXPECT_EQ(r.status, DecodeStatus::kCorrupt);
  EXPECT_EQ(r.corruption, Corruption::kBodyCrcMismatch);
  EXPECT_EQ(DecodeRecord(bytes, CrcCheck::kSkip).status, DecodeStatus::kRecord);
}

TEST(CommitLogCodec, InconsistentLengthsAreCorrupt) {
  std::vector<uint8_t> bytes = FromHex(kVectorHex);
  bytes[0x57] = 6;  // body length 6 instead of 5: fields no longer add up
  EXPECT_EQ(DecodeRecord(bytes, CrcCheck::kSkip).corruption, Corruption::kLengthMismatch);
}

TEST(CommitLogCodec, ZeroFilledSpaceIsBadMagic) {
  const std::vector<uint8_t> zeros(256, 0);
  EXPECT_EQ(DecodeRecord(zeros, CrcCheck::kVerify).corruption, Corruption::kBadMagic);
}

TEST(CommitLogCodec, BlankIsEndOfFile) {
  std::vector<uint8_t> bytes(64, 0xAB);
  EncodeBlank(bytes.data(), 64);
  const DecodeResult r = DecodeRecord(bytes, CrcCheck::kVerify);
  EXPECT_EQ(r.status, DecodeStatus::kBlank);
  EXPECT_EQ(r.blank_size, 64);
  // A BLANK claiming more bytes than remain is corruption.
  EncodeBlank(bytes.data(), 65);
  EXPECT_EQ(DecodeRecord(bytes, CrcCheck::kVerify).status, DecodeStatus::kCorrupt);
}

TEST(CommitLogCodec, Ipv6HostsRoundTripWithFlagsAndSizes) {
  testing::TestMessage t;
  absl::StatusOr<HostPort> v6 = HostPort::Parse("[2001:db8::1]:10911");
  ASSERT_TRUE(v6.ok());
  t.born_host = *v6;
  t.store_host = *v6;
  t.WithTag("x");
  const std::vector<uint8_t> bytes = t.Encode();
  EXPECT_EQ(bytes.size(), 91u + 24 + t.body.size() + t.topic.size() + t.properties.size());
  const DecodeResult r = DecodeRecord(bytes, CrcCheck::kVerify);
  ASSERT_EQ(r.status, DecodeStatus::kRecord);
  EXPECT_EQ(r.record.sys_flag & (format::kFlagBornHostV6 | format::kFlagStoreHostV6), 0x30);
  EXPECT_EQ(r.record.born_host, *v6);
  EXPECT_EQ(r.record.store_host.ToString(), "[2001:db8::1]:10911");
  EXPECT_EQ(AsChars(r.record.body), "hello");
  EXPECT_EQ(OffsetMessageId(*v6, PhysicalOffset(1)).size(), 56u);
  absl::StatusOr<DecodedMessageId> id =
      ParseOffsetMessageId(OffsetMessageId(*v6, PhysicalOffset(1234)));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->store_host, *v6);
  EXPECT_EQ(id->offset, PhysicalOffset(1234));
}

TEST(CommitLogCodec, PatchAppendFieldsFindsStoreTimestampForBothLayouts) {
  for (bool v6 : {false, true}) {
    testing::TestMessage t;
    if (v6) t.born_host = *HostPort::Parse("[::2]:1");
    std::vector<uint8_t> bytes = t.Encode();
    PatchAppendFields(bytes.data(), QueueOffset(7), PhysicalOffset(4096), 1234567);
    const DecodeResult r = DecodeRecord(bytes, CrcCheck::kVerify);
    ASSERT_EQ(r.status, DecodeStatus::kRecord);
    EXPECT_EQ(r.record.queue_offset, 7);
    EXPECT_EQ(r.record.physical_offset, 4096);
    EXPECT_EQ(r.record.store_timestamp, 1234567);
    EXPECT_EQ(r.record.born_timestamp, t.born_timestamp);
  }
}

TEST(CommitLogCodec, RejectsTopicAndPropertyLimits) {
  testing::TestMessage t;
  t.topic = std::string(128, 'a');
  EXPECT_FALSE(EncodedRecordSize(t.View()).ok());
  t.topic = "";
  EXPECT_FALSE(EncodedRecordSize(t.View()).ok());
  t.topic = std::string(127, 'a');
  t.properties = std::string(32768, 'p');
  EXPECT_FALSE(EncodedRecordSize(t.View()).ok());
}

TEST(HostPort, MappedIpv4IsStoredAsIpv4) {
  absl::StatusOr<HostPort> h = HostPort::Parse("[::ffff:10.1.2.3]:99");
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->is_v6());
  EXPECT_EQ(h->ToString(), "10.1.2.3:99");
}

TEST(MessageId, RejectsBadIds) {
  EXPECT_FALSE(ParseOffsetMessageId("XYZ").ok());
  EXPECT_FALSE(ParseOffsetMessageId(std::string(32, 'G')).ok());
}

}  // namespace
}  // namespace tern::engine
