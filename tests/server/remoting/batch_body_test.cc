#include "server/remoting/batch_body.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/base/strings.h"

namespace tern::remoting {
namespace {

std::string Body(const std::vector<BatchRecord>& records) {
  absl::StatusOr<std::string> b = EncodeBatchBody(records);
  EXPECT_TRUE(b.ok()) << MessageOf(b.status());
  return b.ok() ? *b : std::string();
}

void ExpectError(const std::string& body, std::string_view fragment) {
  absl::StatusOr<std::vector<BatchRecord>> r = DecodeBatchBody(AsBytes(body));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf(r.status()).find(fragment), std::string_view::npos) << MessageOf(r.status());
}

TEST(BatchBodyTest, RoundTripReturnsViews) {
  const std::string b1 = "hello";
  const std::vector<BatchRecord> in = {
      {.flag = 7, .body = AsBytes(b1), .properties = "KEYS\x01k\x02UNIQ_KEY\x01X\x02"},
      {.flag = -1, .body = {}, .properties = ""},
      {.flag = 0, .body = AsBytes(std::string_view("x")), .properties = "TAGS\x01T"}};
  const std::string body = Body(in);
  EXPECT_EQ(body.size(), 3 * kBatchRecordOverhead + 5 + 18 + 1 + 6);
  // The first record's layout: totalSize 45, magic 0, CRC 0, flag 7, bodyLength 5.
  EXPECT_EQ(body.substr(0, 20), std::string("\0\0\0\x2D\0\0\0\0\0\0\0\0\0\0\0\x07\0\0\0\x05", 20));
  absl::StatusOr<std::vector<BatchRecord>> out = DecodeBatchBody(AsBytes(body));
  ASSERT_TRUE(out.ok()) << MessageOf(out.status());
  ASSERT_EQ(out->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*out)[i].flag, in[i].flag);
    EXPECT_EQ(AsChars((*out)[i].body), AsChars(in[i].body));
    EXPECT_EQ((*out)[i].properties, in[i].properties);
  }
  // Views into the input, no copies.
  EXPECT_EQ((*out)[0].body.data(), AsBytes(body).data() + 20);
  EXPECT_EQ(Body(*out), body);
}

TEST(BatchBodyTest, EveryTruncationIsAnError) {
  const std::string body =
      Body({{.flag = 1, .body = AsBytes(std::string_view("abc")), .properties = "P\x01V"},
            {.flag = 2, .body = AsBytes(std::string_view("de")), .properties = ""}});
  ASSERT_TRUE(DecodeBatchBody(AsBytes(body)).ok());
  const size_t first = kBatchRecordOverhead + 3 + 3;
  for (size_t n = 0; n < body.size(); ++n) {
    if (n == first) continue;  // exactly one whole record: a valid batch of one
    EXPECT_FALSE(DecodeBatchBody(AsBytes(body).first(n)).ok()) << n;
  }
}

TEST(BatchBodyTest, InconsistentSizesAreErrors) {
  const std::string good =
      Body({{.flag = 0, .body = AsBytes(std::string_view("abcd")), .properties = "pp"}});
  ASSERT_EQ(good.size(), 28u);
  auto with = [&](size_t offset, std::string_view bytes) {
    std::string s = good;
    s.replace(offset, bytes.size(), bytes);
    return s;
  };
  ExpectError("", "empty");
  ExpectError(with(0, std::string("\0\0\0\x1D", 4)), "totalSize 29 exceeds");
  ExpectError(with(0, std::string("\0\0\0\x1B", 4)), "totalSize 27 does not match");
  ExpectError(with(0, std::string("\0\0\0\x19", 4)), "bodyLength 4 does not fit totalSize 25");
  ExpectError(with(0, std::string("\0\0\0\x10", 4)), "below the minimum");
  ExpectError(with(0, std::string("\xFF\xFF\xFF\xFF", 4)), "below the minimum");
  ExpectError(with(16, std::string("\xFF\xFF\xFF\xFF", 4)), "bodyLength -1");
  ExpectError(with(16, std::string("\0\0\0\x03", 4)), "does not match");
  ExpectError(with(24, std::string("\xFF\xFF", 2)), "propertiesLength -1 is negative");
  ExpectError(with(24, std::string("\0\x01", 2)), "does not match");
  ExpectError(good + std::string(5, '\0'), "record 1 at offset 28: truncated");
  // magic and CRC are ignored.
  EXPECT_TRUE(DecodeBatchBody(AsBytes(with(4, "\xDA\xA3\x20\xA7\x12\x34\x56\x78"))).ok());
}

TEST(BatchBodyTest, EncodeLimits) {
  const std::string props(32768, 'p');
  std::string out;
  EXPECT_FALSE(AppendBatchRecord({.flag = 0, .body = {}, .properties = props}, out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(AppendBatchRecord(
                  {.flag = 0, .body = {}, .properties = std::string_view(props).substr(1)}, out)
                  .ok());
  absl::StatusOr<std::vector<BatchRecord>> back = DecodeBatchBody(AsBytes(out));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].properties.size(), 32767u);
}

}  // namespace
}  // namespace tern::remoting
