#include "server/remoting/json_header.h"

#include <fmt/format.h>

#include <cstring>
#include <iterator>
#include <optional>

#include "engine/metadata/fastjson.h"
#include "rapidjson/error/en.h"
#include "rapidjson/reader.h"
#include "server/remoting/header_fields.h"

namespace tern::remoting {
namespace {

using engine::metadata::AppendFastjsonString;

enum class TopKey : uint8_t { kCode, kLanguage, kVersion, kOpaque, kFlag, kRemark, kExt, kOther };

TopKey LookupTopKey(std::string_view key) {
  if (key == "code") return TopKey::kCode;
  if (key == "language") return TopKey::kLanguage;
  if (key == "version") return TopKey::kVersion;
  if (key == "opaque") return TopKey::kOpaque;
  if (key == "flag") return TopKey::kFlag;
  if (key == "remark") return TopKey::kRemark;
  if (key == "extFields") return TopKey::kExt;
  return TopKey::kOther;
}

enum class ScalarKind : uint8_t { kNull, kBool, kNumber, kString };

// The canonical string of a JSON number's text: integers are already canonical in JSON (no
// leading zeros or '+') except "-0"; other numbers keep their text.
std::string CanonicalNumber(std::string_view text) {
  if (text == "-0") return "0";
  return std::string(text);
}

// SAX handler building a RemotingCommand. rapidjson's reader runs with kParseInsituFlag (so
// it never uses its internal stack, see fastjson.cc on Tencent/rapidjson#1724) and
// kParseNumbersAsStringsFlag (numbers arrive as their text via RawNumber).
class HeaderHandler {
 public:
  explicit HeaderHandler(RemotingCommand& cmd) : cmd_(cmd) {}

  const std::string& error() const { return error_; }
  bool done() const { return done_; }

  bool Null() { return Scalar(ScalarKind::kNull, {}); }
  bool Bool(bool b) { return Scalar(ScalarKind::kBool, b ? "true" : "false"); }
  // Not called with kParseNumbersAsStringsFlag; present for the reader's template.
  bool Int(int) { return Fail("unexpected number event"); }
  bool Uint(unsigned) { return Fail("unexpected number event"); }
  bool Int64(int64_t) { return Fail("unexpected number event"); }
  bool Uint64(uint64_t) { return Fail("unexpected number event"); }
  bool Double(double) { return Fail("unexpected number event"); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return Scalar(ScalarKind::kNumber, std::string_view(s, n));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Scalar(ScalarKind::kString, std::string_view(s, n));
  }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (skip_depth_ > 0) return true;
    const std::string_view key(s, n);
    if (depth_ == 1) {
      top_key_ = LookupTopKey(key);
    } else {
      ext_key_.assign(key);
    }
    return true;
  }

  bool StartObject() {
    if (!Enter()) return false;
    if (skip_depth_ > 0) {
      ++skip_depth_;
    } else if (depth_ == 0) {
      depth_ = 1;
    } else if (depth_ == 1 && top_key_ == TopKey::kExt) {
      cmd_.ext_fields.emplace();  // a repeated "extFields" replaces the earlier one
      depth_ = 2;
    } else {
      skip_depth_ = 1;  // an object value of an unknown key or inside extFields
    }
    return true;
  }

  bool EndObject(rapidjson::SizeType) {
    Leave();
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else if (depth_ == 2) {
      depth_ = 1;
    } else {
      depth_ = 0;
      done_ = true;
    }
    return true;
  }

  bool StartArray() {
    if (depth_ == 0) return Fail("the header is not a JSON object");
    if (skip_depth_ == 0 && depth_ == 1 && top_key_ == TopKey::kExt) {
      return Fail("field 'extFields' is not an object");
    }
    if (!Enter()) return false;
    ++skip_depth_;
    return true;
  }

  bool EndArray(rapidjson::SizeType) {
    Leave();
    --skip_depth_;
    return true;
  }

 private:
  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  bool Enter() {
    if (++nesting_ > kMaxJsonHeaderDepth) {
      return Fail(fmt::format("nesting deeper than {}", kMaxJsonHeaderDepth));
    }
    return true;
  }
  void Leave() { --nesting_; }

  bool Scalar(ScalarKind kind, std::string_view text) {
    if (skip_depth_ > 0) return true;
    if (depth_ == 0) return Fail("the header is not a JSON object");
    if (depth_ == 2) return ExtValue(kind, text);
    switch (top_key_) {
      case TopKey::kCode:
        return IntField(kind, text, "code", cmd_.code);
      case TopKey::kVersion:
        return IntField(kind, text, "version", cmd_.version);
      case TopKey::kOpaque:
        return IntField(kind, text, "opaque", cmd_.opaque);
      case TopKey::kFlag:
        return IntField(kind, text, "flag", cmd_.flag);
      case TopKey::kLanguage:
        return Language(kind, text);
      case TopKey::kRemark:
        if (kind == ScalarKind::kNull) {
          cmd_.remark.reset();
        } else {
          cmd_.remark.emplace(kind == ScalarKind::kNumber ? CanonicalNumber(text)
                                                          : std::string(text));
        }
        return true;
      case TopKey::kExt:
        if (kind == ScalarKind::kNull) {
          cmd_.ext_fields.reset();
          return true;
        }
        return Fail("field 'extFields' is not an object");
      case TopKey::kOther:
        return true;
    }
    return true;
  }

  bool IntField(ScalarKind kind, std::string_view text, std::string_view name, int32_t& out) {
    if (kind == ScalarKind::kNull) return true;
    std::optional<int32_t> v;
    if (kind == ScalarKind::kNumber || kind == ScalarKind::kString) v = ParseJavaInt(text);
    if (!v) return Fail(fmt::format("field '{}' is not an int: {}", name, text));
    out = *v;
    return true;
  }

  bool Language(ScalarKind kind, std::string_view text) {
    switch (kind) {
      case ScalarKind::kNull:
        return true;
      case ScalarKind::kString:
        cmd_.language = LanguageFromName(text);
        return true;
      case ScalarKind::kNumber: {
        const std::optional<int32_t> ordinal = ParseJavaInt(text);
        if (ordinal && *ordinal >= 0 && *ordinal <= static_cast<int32_t>(LanguageCode::kRust)) {
          cmd_.language = static_cast<LanguageCode>(*ordinal);
          return true;
        }
        break;
      }
      case ScalarKind::kBool:
        break;
    }
    return Fail(fmt::format("field 'language' is not a language: {}", text));
  }

  bool ExtValue(ScalarKind kind, std::string_view text) {
    switch (kind) {
      case ScalarKind::kNull:
        return true;  // Java's map would hold null; every reader treats it as missing
      case ScalarKind::kNumber:
        cmd_.ext_fields->Set(ext_key_, CanonicalNumber(text));
        return true;
      case ScalarKind::kBool:
      case ScalarKind::kString:
        cmd_.ext_fields->Set(ext_key_, std::string(text));
        return true;
    }
    return true;
  }

  RemotingCommand& cmd_;
  std::string error_;
  int depth_ = 0;       // 0 before the root, 1 in the root object, 2 in extFields
  int skip_depth_ = 0;  // > 0 inside a value that is being skipped
  int nesting_ = 0;     // open containers, skipped ones included
  bool done_ = false;
  TopKey top_key_ = TopKey::kOther;
  std::string ext_key_;
};

void AppendInt(int64_t v, std::string& out) { fmt::format_to(std::back_inserter(out), "{}", v); }

}  // namespace

absl::StatusOr<RemotingCommand> DecodeJsonHeader(std::string_view header) {
  if (header.empty()) return absl::InvalidArgumentError("JSON header is empty");
  if (std::memchr(header.data(), '\0', header.size()) != nullptr) {
    // The reader works on NUL-terminated text; valid JSON never holds a raw NUL.
    return absl::InvalidArgumentError("JSON header holds a NUL byte");
  }
  std::string text(header);  // parsed in place
  RemotingCommand cmd;
  cmd.serialize_type = SerializeType::kJson;
  HeaderHandler handler(cmd);
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>> reader;
  rapidjson::InsituStringStream stream(text.data());
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, handler);
  if (result.IsError()) {
    if (!handler.error().empty()) {
      return absl::InvalidArgumentError(
          fmt::format("JSON header at byte {}: {}", result.Offset(), handler.error()));
    }
    return absl::InvalidArgumentError(fmt::format("JSON header parse error at byte {}: {}",
                                                  result.Offset(),
                                                  rapidjson::GetParseError_En(result.Code())));
  }
  if (!handler.done()) return absl::InvalidArgumentError("the header is not a JSON object");
  return cmd;
}

void AppendJsonHeader(const RemotingCommand& cmd, std::string& out) {
  out += "{\"code\":";
  AppendInt(cmd.code, out);
  if (cmd.ext_fields) {
    out += ",\"extFields\":{";
    bool first = true;
    for (const ExtFields::Entry& e : cmd.ext_fields->entries()) {
      if (!first) out.push_back(',');
      first = false;
      AppendFastjsonString(e.first, out);
      out.push_back(':');
      AppendFastjsonString(e.second, out);
    }
    out.push_back('}');
  }
  out += ",\"flag\":";
  AppendInt(cmd.flag, out);
  out += ",\"language\":";
  AppendFastjsonString(LanguageName(cmd.language), out);
  out += ",\"opaque\":";
  AppendInt(cmd.opaque, out);
  if (cmd.remark) {
    out += ",\"remark\":";
    AppendFastjsonString(*cmd.remark, out);
  }
  out += ",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":";
  AppendInt(cmd.version, out);
  out.push_back('}');
}

std::string EncodeJsonHeader(const RemotingCommand& cmd) {
  std::string out;
  AppendJsonHeader(cmd, out);
  return out;
}

}  // namespace tern::remoting
