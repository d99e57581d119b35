#include "client/message.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "engine/commit_log_codec.h"
#include "engine/properties.h"

namespace tern::client {
namespace {

std::string Record(const std::string& body, int32_t sys_flag, const std::string& props,
                   int64_t physical_offset, int32_t born_port = 5000) {
  engine::MessageToStore m;
  m.topic = "TopicA";
  m.queue_id = 2;
  m.sys_flag = sys_flag;
  m.born_timestamp = 1700000000000;
  m.born_host = engine::HostPort::Ipv4(10, 0, 0, 1, born_port);
  m.store_host = engine::HostPort::Ipv4(10, 0, 0, 2, 10911);
  m.body = AsBytes(body);
  m.properties = props;
  m.queue_offset = 7;
  m.physical_offset = physical_offset;
  m.store_timestamp = 1700000000100;
  std::string out(*engine::EncodedRecordSize(m), '\0');
  engine::EncodeRecord(m, MutableByteSpan(reinterpret_cast<uint8_t*>(out.data()), out.size()));
  return out;
}

TEST(DecodeMessages, DecodesRecordsAndIds) {
  std::string props;
  engine::AppendProperty(&props, "TAGS", "TagA");
  engine::AppendProperty(&props, "UNIQ_KEY", "0A0000010000ABCDEF");
  const std::string a = Record("hello", 0, props, 0);
  const std::string b = Record("world", 0, "", static_cast<int64_t>(a.size()));
  auto msgs = DecodeMessages(AsBytes(a + b));
  ASSERT_TRUE(msgs.ok()) << msgs.status();
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].body, "hello");
  EXPECT_EQ((*msgs)[0].tags(), "TagA");
  EXPECT_EQ((*msgs)[0].msg_id, "0A0000010000ABCDEF");
  EXPECT_EQ((*msgs)[0].queue_offset, 7);
  EXPECT_EQ((*msgs)[0].store_host, "10.0.0.2:10911");
  // No UNIQ_KEY: the id is the offset message id (store host + physical offset).
  EXPECT_EQ((*msgs)[1].msg_id, (*msgs)[1].offset_msg_id);
  EXPECT_EQ((*msgs)[1].offset_msg_id.substr(0, 16), "0A00000200002A9F");
}

TEST(DecodeMessages, EachMessageKeepsItsOwnHosts) {
  // The decoder reuses the previous message's host strings when the bytes match.
  std::string all;
  for (int32_t port : {5000, 5000, 6000, 5000}) {
    all += Record("x", 0, "", static_cast<int64_t>(all.size()), port);
  }
  auto msgs = DecodeMessages(AsBytes(all));
  ASSERT_TRUE(msgs.ok()) << msgs.status();
  ASSERT_EQ(msgs->size(), 4u);
  EXPECT_EQ((*msgs)[0].born_host, "10.0.0.1:5000");
  EXPECT_EQ((*msgs)[1].born_host, "10.0.0.1:5000");
  EXPECT_EQ((*msgs)[2].born_host, "10.0.0.1:6000");
  EXPECT_EQ((*msgs)[3].born_host, "10.0.0.1:5000");
  for (const MessageExt& m : *msgs) EXPECT_EQ(m.store_host, "10.0.0.2:10911");
}

TEST(DecodeMessages, InflatesZlibBodies) {
  const std::string text(10000, 'z');
  uLongf n = compressBound(text.size());
  std::string packed(n, '\0');
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(packed.data()), &n,
                      reinterpret_cast<const Bytef*>(text.data()), text.size(), 5),
            Z_OK);
  packed.resize(n);
  auto msgs = DecodeMessages(AsBytes(Record(packed, 0x1, "", 0)));
  ASSERT_TRUE(msgs.ok()) << msgs.status();
  EXPECT_EQ((*msgs)[0].body, text);
}

TEST(DecodeMessages, RefusesCorruptOrUnsupportedInput) {
  std::string body_flip = Record("payload", 0, "", 0);
  body_flip[body_flip.find("payload")] = 'P';
  EXPECT_FALSE(DecodeMessages(AsBytes(body_flip)).ok());
  EXPECT_FALSE(DecodeMessages(AsBytes(Record("payload", 0, "", 0).substr(0, 30))).ok());
  EXPECT_FALSE(DecodeMessages(AsBytes(Record("not zlib", 0x1, "", 0))).ok());
  EXPECT_EQ(DecodeMessages(AsBytes(Record("lz4?", 0x1 | (1 << 8), "", 0))).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tern::client
