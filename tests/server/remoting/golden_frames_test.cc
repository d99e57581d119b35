// Decodes every frame of the Java 4.8.0 recording (tests/testdata/java-4.8.0/frames.jsonl) and
// checks it against the recorded fields, re-encodes it, parses the typed headers of the codes
// the broker and name server serve, and decodes every batch body.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/escaping.h"
#include "engine/base/strings.h"
#include "engine/metadata/fastjson.h"
#include "server/remoting/batch_body.h"
#include "server/remoting/codes.h"
#include "server/remoting/command_codec.h"
#include "server/remoting/frame.h"
#include "server/remoting/headers/admin.h"
#include "server/remoting/headers/client.h"
#include "server/remoting/headers/namesrv.h"
#include "server/remoting/headers/offset.h"
#include "server/remoting/headers/pull.h"
#include "server/remoting/headers/query.h"
#include "server/remoting/headers/send.h"
#include "server/remoting/json_header.h"
#include "tests/util/temp_dir.h"

namespace tern::remoting {
namespace {

using engine::metadata::FindMember;
using engine::metadata::ParseStrictJson;
using engine::metadata::StringOf;

struct Recorded {
  int line = 0;
  int64_t stream = 0;
  bool client_to_server = true;
  bool response = false;
  int32_t code = 0;
  int32_t flag = 0;
  int32_t opaque = 0;
  int serialize_type = 0;
  int64_t body_length = 0;
  rapidjson::Document doc;  // the whole line
  const rapidjson::Value* header = nullptr;
  std::string frame;  // decoded frame_b64, empty when null
  bool has_frame = false;
};

std::vector<Recorded> LoadFrames() {
  const std::string path = testing::TestDataDir() + "/java-4.8.0/frames.jsonl";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<Recorded> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    Recorded r;
    r.line = n;
    const absl::Status s = ParseStrictJson(line, r.doc);
    EXPECT_TRUE(s.ok()) << "line " << n << ": " << MessageOf(s);
    if (!s.ok()) continue;
    r.stream = (*FindMember(r.doc, "stream")).GetInt64();
    r.client_to_server = StringOf(*FindMember(r.doc, "dir")) == "client_to_server";
    r.response = StringOf(*FindMember(r.doc, "kind")) == "response";
    r.code = (*FindMember(r.doc, "code")).GetInt();
    r.flag = (*FindMember(r.doc, "flag")).GetInt();
    r.opaque = (*FindMember(r.doc, "opaque")).GetInt();
    r.serialize_type = (*FindMember(r.doc, "serializeType")).GetInt();
    r.body_length = (*FindMember(r.doc, "bodyLength")).GetInt64();
    r.header = FindMember(r.doc, "header");
    const rapidjson::Value* b64 = FindMember(r.doc, "frame_b64");
    if (b64 != nullptr && b64->IsString()) {
      const std::string text = StringOf(*b64);
      EXPECT_TRUE(absl::Base64Unescape(absl::string_view(text.data(), text.size()), &r.frame))
          << "line " << n;
      r.has_frame = true;
    }
    out.push_back(std::move(r));
  }
  return out;
}

// A recorded extFields value as the string our decoder must produce.
std::string RecordedValue(const rapidjson::Value& v) {
  if (v.IsString()) return StringOf(v);
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  ADD_FAILURE() << "unexpected recorded value type";
  return "";
}

// Compares a decoded command with the recorded header object.
void ExpectMatchesRecorded(const RemotingCommand& cmd, const Recorded& r) {
  SCOPED_TRACE(::testing::Message() << "line " << r.line);
  const rapidjson::Value& h = *r.header;
  EXPECT_EQ(cmd.code, r.code);
  EXPECT_EQ(cmd.flag, r.flag);
  EXPECT_EQ(cmd.opaque, r.opaque);
  EXPECT_EQ(static_cast<int>(cmd.serialize_type), r.serialize_type);
  EXPECT_EQ(cmd.version, (*FindMember(h, "version")).GetInt());
  const rapidjson::Value& language = *FindMember(h, "language");
  if (language.IsString()) {
    EXPECT_EQ(LanguageName(cmd.language), StringOf(language));
  } else {
    EXPECT_EQ(static_cast<int>(cmd.language), language.GetInt());
  }
  const rapidjson::Value* remark = FindMember(h, "remark");
  if (remark == nullptr || remark->IsNull()) {
    EXPECT_FALSE(cmd.remark.has_value());
  } else {
    ASSERT_TRUE(cmd.remark.has_value());
    EXPECT_EQ(*cmd.remark, StringOf(*remark));
  }
  const rapidjson::Value* ext = FindMember(h, "extFields");
  if (ext == nullptr || ext->IsNull()) {
    EXPECT_FALSE(cmd.ext_fields.has_value());
    return;
  }
  ASSERT_TRUE(ext->IsObject());
  if (r.serialize_type == 1 && ext->MemberCount() == 0) {
    // The recorder shows extFieldsLength 0 as {}; it decodes as absent (null in Java).
    EXPECT_TRUE(!cmd.ext_fields || cmd.ext_fields->empty());
    return;
  }
  ASSERT_TRUE(cmd.ext_fields.has_value());
  EXPECT_EQ(cmd.ext_fields->size(), ext->MemberCount());
  for (auto it = ext->MemberBegin(); it != ext->MemberEnd(); ++it) {
    const std::string key = StringOf(it->name);
    const std::string* got = cmd.ext_fields->Find(key);
    ASSERT_NE(got, nullptr) << key;
    EXPECT_EQ(*got, RecordedValue(it->value)) << key;
  }
}

void ExpectSameCommand(const RemotingCommand& a, const RemotingCommand& b) {
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.language, b.language);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.opaque, b.opaque);
  EXPECT_EQ(a.flag, b.flag);
  EXPECT_EQ(a.remark, b.remark);
  EXPECT_EQ(a.ext_fields, b.ext_fields);
  EXPECT_EQ(a.serialize_type, b.serialize_type);
}

// The recorded header object re-serialized, for frames too large to be recorded whole.
// (Not with rapidjson::Writer: its internal::Stack trips UBSan, Tencent/rapidjson#1724.)
void AppendJson(const rapidjson::Value& v, std::string& out) {
  if (v.IsObject()) {
    out.push_back('{');
    bool first = true;
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      if (!first) out.push_back(',');
      first = false;
      engine::metadata::AppendFastjsonString(StringOf(m->name), out);
      out.push_back(':');
      AppendJson(m->value, out);
    }
    out.push_back('}');
  } else if (v.IsString()) {
    engine::metadata::AppendFastjsonString(StringOf(v), out);
  } else if (v.IsBool()) {
    out += v.GetBool() ? "true" : "false";
  } else if (v.IsInt64()) {
    out += std::to_string(v.GetInt64());
  } else if (v.IsUint64()) {
    out += std::to_string(v.GetUint64());
  } else if (v.IsNull()) {
    out += "null";
  } else {
    ADD_FAILURE() << "unexpected JSON value in a recorded header";
  }
}

std::string HeaderText(const rapidjson::Value& header) {
  std::string out;
  AppendJson(header, out);
  return out;
}

// Compares two JSON header texts member by member: same top-level keys in the same order with
// equal values, extFields compared as a map.
void ExpectSameJsonFields(std::string_view ours, std::string_view recorded) {
  rapidjson::Document doc_a;
  rapidjson::Document doc_b;
  ASSERT_TRUE(ParseStrictJson(ours, doc_a).ok());
  ASSERT_TRUE(ParseStrictJson(recorded, doc_b).ok());
  const rapidjson::Value& a = doc_a;  // const iterators: RapidJSON's compare cleanly in C++20
  const rapidjson::Value& b = doc_b;
  ASSERT_EQ(a.MemberCount(), b.MemberCount()) << ours << "\n" << recorded;
  for (auto ia = a.MemberBegin(), ib = b.MemberBegin(); ia != a.MemberEnd(); ++ia, ++ib) {
    ASSERT_EQ(StringOf(ia->name), StringOf(ib->name));
    if (StringOf(ia->name) == "extFields") {
      ASSERT_EQ(ia->value.MemberCount(), ib->value.MemberCount());
      for (auto e = ib->value.MemberBegin(); e != ib->value.MemberEnd(); ++e) {
        const rapidjson::Value* mine = FindMember(ia->value, StringOf(e->name));
        ASSERT_NE(mine, nullptr) << StringOf(e->name);
        EXPECT_TRUE(*mine == e->value) << StringOf(e->name);
      }
    } else {
      EXPECT_TRUE(ia->value == ib->value) << StringOf(ia->name);
    }
  }
}

// Runs the typed request parser for `cmd`'s code; false when the code has none here.
bool ParseTypedRequest(const RemotingCommand& cmd, absl::Status& status) {
  auto check = [&status](const auto& parsed) { status = parsed.status(); };
  switch (cmd.code) {
    case request::kSendMessage:
    case request::kSendMessageV2:
    case request::kSendBatchMessage:
      check(SendMessageRequestHeader::Parse(cmd));
      return true;
    case request::kPullMessage:
      check(PullMessageRequestHeader::Parse(cmd));
      return true;
    case request::kQueryConsumerOffset:
      check(QueryConsumerOffsetRequestHeader::Parse(cmd));
      return true;
    case request::kUpdateConsumerOffset:
      check(UpdateConsumerOffsetRequestHeader::Parse(cmd));
      return true;
    case request::kSearchOffsetByTimestamp:
      check(SearchOffsetRequestHeader::Parse(cmd));
      return true;
    case request::kGetMaxOffset:
    case request::kGetMinOffset:
    case request::kGetEarliestMsgStoretime:
      check(QueueRequestHeader::Parse(cmd));
      return true;
    case request::kViewMessageById:
      check(ViewMessageRequestHeader::Parse(cmd));
      return true;
    case request::kQueryMessage:
      check(QueryMessageRequestHeader::Parse(cmd));
      return true;
    case request::kGetConsumerListByGroup:
    case request::kNotifyConsumerIdsChanged:
      check(ConsumerGroupRequestHeader::Parse(cmd));
      return true;
    case request::kUnregisterClient:
      check(UnregisterClientRequestHeader::Parse(cmd));
      return true;
    case request::kUpdateAndCreateTopic:
      check(CreateTopicRequestHeader::Parse(cmd));
      return true;
    case request::kDeleteTopicInBroker:
      check(DeleteTopicRequestHeader::Parse(cmd));
      return true;
    case request::kRegisterBroker:
      check(RegisterBrokerRequestHeader::Parse(cmd));
      return true;
    case request::kUnregisterBroker:
    case request::kQueryDataVersion:
      check(BrokerIdentityHeader::Parse(cmd));
      return true;
    case request::kGetRouteinfoByTopic:
      check(GetRouteInfoRequestHeader::Parse(cmd));
      return true;
    case request::kPutKvConfig:
      check(PutKvConfigRequestHeader::Parse(cmd));
      return true;
    case request::kGetKvConfig:
    case request::kDeleteKvConfig:
      check(KvConfigKeyHeader::Parse(cmd));
      return true;
    case request::kGetKvlistByNamespace:
      check(GetKvListByNamespaceRequestHeader::Parse(cmd));
      return true;
    case request::kWipeWritePermOfBroker:
    case request::kAddWritePermOfBroker:
      check(BrokerNameRequestHeader::Parse(cmd));
      return true;
    case request::kGetTopicsByCluster:
      check(GetTopicsByClusterRequestHeader::Parse(cmd));
      return true;
    case request::kDeleteTopicInNamesrv:
      check(DeleteTopicFromNamesrvRequestHeader::Parse(cmd));
      return true;
    default:
      return false;
  }
}

// Parses a response with the typed header of its request's code and writes it back; the
// written fields must be exactly the recorded ones. Returns false when no typed header applies.
bool RoundTripTypedResponse(int32_t request_code, const RemotingCommand& response) {
  if (!response.ext_fields || response.ext_fields->empty()) return false;
  ExtFields written;
  absl::Status status;
  auto run = [&](auto parsed) {
    status = parsed.status();
    if (parsed.ok()) parsed->WriteTo(written);
  };
  const int32_t code = response.code;
  switch (request_code) {
    case request::kSendMessage:
    case request::kSendMessageV2:
    case request::kSendBatchMessage:
      run(SendMessageResponseHeader::Parse(response));
      break;
    case request::kPullMessage:
      if (code != 0 && code != 19 && code != 20 && code != 21) return false;
      run(PullMessageResponseHeader::Parse(response));
      break;
    case request::kQueryConsumerOffset:
      run(QueryConsumerOffsetResponseHeader::Parse(response));
      break;
    case request::kGetMaxOffset:
    case request::kGetMinOffset:
    case request::kSearchOffsetByTimestamp:
      run(OffsetResponseHeader::Parse(response));
      break;
    case request::kGetEarliestMsgStoretime:
      run(GetEarliestMsgStoretimeResponseHeader::Parse(response));
      break;
    case request::kQueryMessage:
      run(QueryMessageResponseHeader::Parse(response));
      break;
    case request::kGetBrokerConfig:
      run(GetBrokerConfigResponseHeader::Parse(response));
      break;
    case request::kRegisterBroker:
      run(RegisterBrokerResponseHeader::Parse(response));
      break;
    default:
      return false;
  }
  EXPECT_TRUE(status.ok()) << "request code " << request_code << ": " << MessageOf(status);
  EXPECT_EQ(written.size(), response.ext_fields->size()) << "request code " << request_code;
  for (const ExtFields::Entry& e : response.ext_fields->entries()) {
    const std::string* mine = written.Find(e.first);
    EXPECT_TRUE(mine != nullptr && *mine == e.second)
        << "request code " << request_code << " field " << e.first;
  }
  return true;
}

// `cmd` as the binary codec reads it back: empty strings are null, no entries = absent.
RemotingCommand WithoutEmptyValues(RemotingCommand cmd) {
  if (cmd.remark && cmd.remark->empty()) cmd.remark.reset();
  if (!cmd.ext_fields) return cmd;
  ExtFields kept;
  for (const ExtFields::Entry& e : cmd.ext_fields->entries()) {
    if (!e.first.empty() && !e.second.empty()) kept.Set(e.first, e.second);
  }
  cmd.ext_fields.reset();
  if (!kept.empty()) cmd.ext_fields.emplace(std::move(kept));
  return cmd;
}

TEST(GoldenFramesTest, DecodeCompareReencodeAndParseEveryFrame) {
  const std::vector<Recorded> frames = LoadFrames();
  ASSERT_EQ(frames.size(), 2381u);

  int decoded = 0, decoded_binary = 0, from_header_only = 0;
  int reencoded = 0, byte_exact_headers = 0, java_written = 0, cross_codec = 0;
  int responses_compared = 0, typed_responses = 0, typed_requests = 0, batch_bodies = 0;
  size_t batch_records = 0;
  std::map<int32_t, int> typed_by_code;
  // Requests by (stream, requester direction, opaque) -> (code, recorded index).
  std::map<std::tuple<int64_t, bool, int32_t>, std::pair<int32_t, size_t>> requests;
  std::vector<size_t> batch_requests;

  for (size_t i = 0; i < frames.size(); ++i) {
    const Recorded& r = frames[i];
    SCOPED_TRACE(::testing::Message() << "line " << r.line);
    RemotingCommand cmd;
    ByteSpan body;
    if (r.has_frame) {
      const ByteSpan bytes = AsBytes(r.frame);
      absl::StatusOr<SplitResult> split = SplitFrame(bytes);
      ASSERT_TRUE(split.ok()) << MessageOf(split.status());
      ASSERT_TRUE(split->complete());
      ASSERT_EQ(split->frame.size, bytes.size());
      EXPECT_EQ(static_cast<int>(split->frame.serialize_type), r.serialize_type);
      EXPECT_EQ(static_cast<int64_t>(split->frame.body.size()), r.body_length);
      absl::StatusOr<RemotingCommand> c = DecodeCommand(split->frame);
      ASSERT_TRUE(c.ok()) << MessageOf(c.status());
      cmd = *std::move(c);
      body = split->frame.body;
      ExpectMatchesRecorded(cmd, r);
      ++decoded;
      if (r.serialize_type == 1) ++decoded_binary;

      // Re-encode in the same type, decode again: the same command and body.
      absl::StatusOr<std::string> again = EncodeCommandWithBody(cmd, AsChars(body));
      ASSERT_TRUE(again.ok()) << MessageOf(again.status());
      absl::StatusOr<SplitResult> split2 = SplitFrame(AsBytes(*again));
      ASSERT_TRUE(split2.ok() && split2->complete());
      absl::StatusOr<RemotingCommand> c2 = DecodeCommand(split2->frame);
      ASSERT_TRUE(c2.ok()) << MessageOf(c2.status());
      ExpectSameCommand(cmd, *c2);
      EXPECT_TRUE(std::equal(body.begin(), body.end(), split2->frame.body.begin(),
                             split2->frame.body.end()));
      ++reencoded;

      // Headers written by Java (fastjson with serializeTypeCurrentRPC, or the binary codec)
      // keep their extFields order through our codec, so they re-encode byte for byte.
      const std::string_view recorded_header = AsChars(split->frame.header);
      const bool java = r.serialize_type == 1 ||
                        recorded_header.find("\"serializeTypeCurrentRPC\"") != std::string::npos;
      if (java) {
        ++java_written;
        absl::StatusOr<std::string> header = EncodeHeader(cmd);
        ASSERT_TRUE(header.ok());
        EXPECT_EQ(*header, recorded_header);
        if (*header == recorded_header) ++byte_exact_headers;
      }
      if (r.response) {
        // Our encoding of the same response, field by field against Java's.
        ASSERT_EQ(r.serialize_type, 0);
        ExpectSameJsonFields(EncodeJsonHeader(cmd), recorded_header);
        ++responses_compared;
      }

      // The other codec: same command (binary drops empty strings).
      RemotingCommand other = cmd;
      other.serialize_type = cmd.serialize_type == SerializeType::kJson ? SerializeType::kRocketMq
                                                                        : SerializeType::kJson;
      absl::StatusOr<std::string> cross = EncodeHeader(other);
      ASSERT_TRUE(cross.ok()) << MessageOf(cross.status());
      absl::StatusOr<RemotingCommand> back = DecodeHeader(other.serialize_type, AsBytes(*cross));
      ASSERT_TRUE(back.ok()) << MessageOf(back.status());
      if (other.serialize_type == SerializeType::kRocketMq) {
        ExpectSameCommand(WithoutEmptyValues(other), *back);
      } else {
        ExpectSameCommand(other, *back);
      }
      ++cross_codec;
    } else {
      // Frames over 64 KiB were recorded without their bytes: decode the recorded header.
      absl::StatusOr<RemotingCommand> c = DecodeJsonHeader(HeaderText(*r.header));
      ASSERT_TRUE(c.ok()) << MessageOf(c.status());
      cmd = *std::move(c);
      cmd.serialize_type = static_cast<SerializeType>(r.serialize_type);
      ExpectMatchesRecorded(cmd, r);
      ++from_header_only;
    }

    if (!r.response) {
      requests[{r.stream, r.client_to_server, r.opaque}] = {r.code, i};
      absl::Status status;
      if (ParseTypedRequest(cmd, status)) {
        EXPECT_TRUE(status.ok()) << "code " << cmd.code << ": " << MessageOf(status);
        ++typed_requests;
        ++typed_by_code[cmd.code];
      }
      if (cmd.code == request::kSendBatchMessage ||
          ((cmd.code == request::kSendMessage || cmd.code == request::kSendMessageV2) &&
           SendMessageRequestHeader::Parse(cmd).value().batch)) {
        EXPECT_TRUE(SendMessageRequestHeader::Parse(cmd).value().batch);
        batch_requests.push_back(i);
      }
    } else {
      const auto it = requests.find({r.stream, !r.client_to_server, r.opaque});
      if (it != requests.end() && RoundTripTypedResponse(it->second.first, cmd)) {
        ++typed_responses;
      }
    }
  }

  // Batch bodies: the record count equals the number of message ids in the response.
  for (size_t index : batch_requests) {
    const Recorded& r = frames[index];
    SCOPED_TRACE(::testing::Message() << "batch at line " << r.line);
    ASSERT_TRUE(r.has_frame);
    absl::StatusOr<SplitResult> split = SplitFrame(AsBytes(r.frame));
    ASSERT_TRUE(split.ok() && split->complete());
    absl::StatusOr<std::vector<BatchRecord>> records = DecodeBatchBody(split->frame.body);
    ASSERT_TRUE(records.ok()) << MessageOf(records.status());
    size_t ids = 0;
    for (size_t j = index + 1; j < frames.size(); ++j) {
      const Recorded& resp = frames[j];
      if (resp.response && resp.stream == r.stream && resp.opaque == r.opaque) {
        const rapidjson::Value* ext = FindMember(*resp.header, "extFields");
        ASSERT_NE(ext, nullptr);
        const std::string msg_id = StringOf(*FindMember(*ext, "msgId"));
        ids = 1 + static_cast<size_t>(std::count(msg_id.begin(), msg_id.end(), ','));
        break;
      }
    }
    EXPECT_EQ(records->size(), ids);
    batch_records += records->size();
    for (const BatchRecord& rec : *records) {
      EXPECT_NE(rec.properties.find("UNIQ_KEY\x01"), std::string_view::npos);
    }
    absl::StatusOr<std::string> encoded = EncodeBatchBody(*records);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(*encoded, AsChars(split->frame.body));
    ++batch_bodies;
  }

  std::cout << "golden frames: " << frames.size() << " recorded, " << decoded
            << " decoded from bytes (" << decoded_binary << " ROCKETMQ binary), "
            << from_header_only << " from the recorded header only (frame over 64 KiB); "
            << reencoded << " re-encoded and decoded again, " << cross_codec
            << " cross-encoded in the other codec; " << byte_exact_headers << " of " << java_written
            << " Java-written headers re-encoded byte for byte; " << responses_compared
            << " responses compared field by field, " << typed_responses
            << " typed response headers round-tripped; " << typed_requests
            << " typed request headers parsed; " << batch_bodies << " batch bodies decoded ("
            << batch_records << " messages)\n";
  for (const auto& [code, count] : typed_by_code) {
    std::cout << "  typed request code " << code << ": " << count << "\n";
  }
  EXPECT_EQ(decoded + from_header_only, 2381);
  EXPECT_EQ(decoded, 2362);
  EXPECT_EQ(decoded_binary, 44);
  EXPECT_EQ(byte_exact_headers, java_written);
  EXPECT_EQ(batch_bodies, 2);
  EXPECT_EQ(batch_records, 40u);  // 32 + 8 in the recording
  RecordProperty("frames_decoded", decoded);
  RecordProperty("typed_requests", typed_requests);
}

}  // namespace
}  // namespace tern::remoting
