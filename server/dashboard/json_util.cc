#include "server/dashboard/json_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"

namespace tern::dashboard {

namespace md = engine::metadata;

absl::StatusOr<Params> ParseJsonParams(std::string_view body) {
  Params out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(md::ParseStrictJson(body, doc));
  if (!doc.IsObject()) return absl::InvalidArgumentError("the request body is not a JSON object");
  const rapidjson::Value& object = doc;  // const iterators: clang rejects the mutable ones' !=
  for (auto m = object.MemberBegin(); m != object.MemberEnd(); ++m) {
    const std::string name = md::StringOf(m->name);
    const rapidjson::Value& v = m->value;
    if (v.IsString()) {
      out[name] = md::StringOf(v);
    } else if (v.IsBool()) {
      out[name] = v.GetBool() ? "true" : "false";
    } else if (v.IsInt64()) {
      out[name] = std::to_string(v.GetInt64());
    } else if (v.IsNumber()) {
      out[name] = fmt::format("{}", v.GetDouble());
    } else if (!v.IsNull()) {
      return absl::InvalidArgumentError(
          fmt::format("request member '{}' must be a string, number or boolean", name));
    }
  }
  return out;
}

std::string Param(const Params& p, const std::string& name, std::string fallback) {
  auto it = p.find(name);
  return it == p.end() ? fallback : it->second;
}

absl::StatusOr<std::string> RequiredParam(const Params& p, const std::string& name) {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) {
    return absl::InvalidArgumentError(fmt::format("parameter '{}' is required", name));
  }
  return it->second;
}

absl::StatusOr<int64_t> IntParam(const Params& p, const std::string& name, int64_t fallback,
                                 int64_t min, int64_t max) {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) return fallback;
  int64_t v = 0;
  const std::string& s = it->second;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max) {
    return absl::InvalidArgumentError(
        fmt::format("parameter '{}' must be an integer in [{}, {}] (got '{}')", name, min, max, s));
  }
  return v;
}

bool BoolParam(const Params& p, const std::string& name, bool fallback) {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) return fallback;
  return it->second == "true" || it->second == "1" || it->second == "on";
}

size_t Page::begin(size_t total) const {
  const int64_t b = (page - 1) * size;
  return static_cast<size_t>(std::min<int64_t>(b, static_cast<int64_t>(total)));
}

size_t Page::end(size_t total) const {
  return std::min(total, begin(total) + static_cast<size_t>(size));
}

absl::StatusOr<Page> PageParams(const Params& p, int64_t max_size) {
  Page page;
  TERN_ASSIGN_OR_RETURN(page.page, IntParam(p, "page", 1, 1, 1'000'000'000));
  TERN_ASSIGN_OR_RETURN(page.size, IntParam(p, "size", 50, 1, max_size));
  return page;
}

void WritePageMembers(protocol::JsonWriter& w, const Page& page, size_t total) {
  w.Key("total");
  w.Int(static_cast<int64_t>(total));
  w.Key("page");
  w.Int(page.page);
  w.Key("size");
  w.Int(page.size);
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16 |
                       static_cast<uint8_t>(bytes[i + 1]) << 8 | static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

void WriteMessageMembers(protocol::JsonWriter& w, const client::MessageExt& m, bool with_body) {
  auto str = [&w](std::string_view k, std::string_view v) {
    w.Key(k);
    w.String(IsValidUtf8(v) ? v : std::string_view("(binary)"));
  };
  auto num = [&w](std::string_view k, int64_t v) {
    w.Key(k);
    w.Int(v);
  };
  str("msgId", m.msg_id);
  str("offsetMsgId", m.offset_msg_id);
  str("topic", m.topic);
  str("tags", m.tags());
  str("keys", m.keys());
  num("queueId", m.queue_id);
  num("queueOffset", m.queue_offset);
  num("commitLogOffset", m.commit_log_offset);
  num("storeSize", m.store_size);
  num("bodySize", static_cast<int64_t>(m.body.size()));
  num("sysFlag", m.sys_flag);
  num("flag", m.flag);
  num("reconsumeTimes", m.reconsume_times);
  num("bornTimestamp", m.born_timestamp);
  num("storeTimestamp", m.store_timestamp);
  str("bornHost", m.born_host);
  str("storeHost", m.store_host);
  if (!with_body) return;
  const bool text = IsValidUtf8(m.body);
  w.Key("bodyEncoding");
  w.String(text ? "text" : "base64");
  w.Key("body");
  w.String(text ? m.body : Base64(m.body));
  w.Key("properties");
  w.BeginObject();
  for (const auto& [k, v] : m.properties) str(k, v);
  w.EndObject();
}

std::string ErrorJson(std::string_view message) {
  protocol::JsonWriter w;
  w.BeginObject();
  w.Key("error");
  w.String(IsValidUtf8(message) ? message : std::string_view("(error message is not UTF-8)"));
  w.EndObject();
  return std::move(w).Finish();
}

}  // namespace tern::dashboard
