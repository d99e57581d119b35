#include "tests/server/protocol/recorded_frames.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/base/check.h"
#include "engine/metadata/fastjson.h"
#include "tests/util/temp_dir.h"

namespace tern::protocol::testing {
namespace {

namespace md = engine::metadata;

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int64_t IntMember(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = md::FindMember(obj, name);
  TERN_CHECK_MSG(v != nullptr && v->IsInt64(), "frames.jsonl: integer member missing");
  return v->GetInt64();
}

// The JSON decoder's coercion: strings as they are, numbers and booleans as text.
std::string ScalarText(const rapidjson::Value& v) {
  if (v.IsString()) return md::StringOf(v);
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return fmt::format("{}", v.GetDouble());
  return "";
}

remoting::RemotingCommand CommandOf(const rapidjson::Value& header, int serialize_type) {
  remoting::RemotingCommand cmd;
  cmd.code = static_cast<int32_t>(IntMember(header, "code"));
  cmd.flag = static_cast<int32_t>(IntMember(header, "flag"));
  cmd.opaque = static_cast<int32_t>(IntMember(header, "opaque"));
  if (const rapidjson::Value* v = md::FindMember(header, "version"); v && v->IsInt64()) {
    cmd.version = static_cast<int32_t>(v->GetInt64());
  }
  if (const rapidjson::Value* v = md::FindMember(header, "language"); v && v->IsString()) {
    cmd.language = remoting::LanguageFromName(md::StringOf(*v));
  }
  if (const rapidjson::Value* v = md::FindMember(header, "remark"); v && v->IsString()) {
    cmd.remark = md::StringOf(*v);
  }
  if (const rapidjson::Value* ext = md::FindMember(header, "extFields"); ext && ext->IsObject()) {
    remoting::ExtFields& fields = cmd.MutableFields();
    for (auto m = ext->MemberBegin(); m != ext->MemberEnd(); ++m) {
      if (m->value.IsNull()) continue;
      fields.Set(md::StringOf(m->name), ScalarText(m->value));
    }
  }
  cmd.serialize_type =
      serialize_type == 1 ? remoting::SerializeType::kRocketMq : remoting::SerializeType::kJson;
  return cmd;
}

std::string BodyOf(const std::string& frame, size_t line) {
  TERN_CHECK_MSG(frame.size() >= 8, "frames.jsonl: frame shorter than its prefix");
  const auto* p = reinterpret_cast<const unsigned char*>(frame.data());
  const uint32_t length =
      (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
  const uint32_t header_length = (uint32_t{p[5]} << 16) | (uint32_t{p[6]} << 8) | uint32_t{p[7]};
  if (length + 4 != frame.size() || 8 + header_length > frame.size()) {
    ADD_FAILURE() << "frames.jsonl line " << line << ": inconsistent frame lengths";
    return {};
  }
  return frame.substr(8 + header_length);
}

std::vector<RecordedFrame> Load() {
  const std::string path = tern::testing::TestDataDir() + "/java-4.8.0/frames.jsonl";
  std::ifstream in(path);
  TERN_CHECK_MSG(in.good(), "cannot open tests/testdata/java-4.8.0/frames.jsonl");
  std::vector<RecordedFrame> frames;
  std::string text;
  for (size_t line = 0; std::getline(in, text); ++line) {
    if (text.empty()) continue;
    rapidjson::Document doc;
    TERN_CHECK_MSG(md::ParseStrictJson(text, doc).ok() && doc.IsObject(),
                   "frames.jsonl: a line is not a JSON object");
    RecordedFrame f;
    f.line = line;
    f.stream = static_cast<int>(IntMember(doc, "stream"));
    f.server_port = static_cast<int>(IntMember(doc, "server_port"));
    const rapidjson::Value* dir = md::FindMember(doc, "dir");
    f.to_server = dir != nullptr && dir->IsString() && md::StringOf(*dir) == "client_to_server";
    const rapidjson::Value* header = md::FindMember(doc, "header");
    TERN_CHECK_MSG(header != nullptr && header->IsObject(), "frames.jsonl: no header");
    f.command = CommandOf(*header, static_cast<int>(IntMember(doc, "serializeType")));
    if (const rapidjson::Value* b64 = md::FindMember(doc, "frame_b64"); b64 && b64->IsString()) {
      f.body = BodyOf(Base64Decode(md::StringOf(*b64)), line);
      EXPECT_EQ(static_cast<int64_t>(f.body->size()), IntMember(doc, "bodyLength"))
          << "frames.jsonl line " << line;
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

}  // namespace

std::string Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const int v = Sextet(c);
    TERN_CHECK_MSG(v >= 0, "bad base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

const std::vector<RecordedFrame>& RecordedFrames() {
  static const std::vector<RecordedFrame>* const frames = new std::vector<RecordedFrame>(Load());
  return *frames;
}

std::vector<const RecordedFrame*> NameServerRequests(int32_t code) {
  std::vector<const RecordedFrame*> out;
  for (const RecordedFrame& f : RecordedFrames()) {
    if (f.server_port == kNameServerPort && f.to_server && f.command.code == code) {
      out.push_back(&f);
    }
  }
  return out;
}

const RecordedFrame* ResponseTo(const RecordedFrame& request) {
  for (const RecordedFrame& f : RecordedFrames()) {
    if (f.stream == request.stream && f.to_server != request.to_server && f.command.is_response() &&
        f.command.opaque == request.command.opaque) {
      return &f;
    }
  }
  return nullptr;
}

}  // namespace tern::protocol::testing
