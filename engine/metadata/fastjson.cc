#include "engine/metadata/fastjson.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>

#include "engine/base/check.h"
#include "engine/base/status.h"
#include "rapidjson/error/en.h"
#include "rapidjson/reader.h"

namespace tern::engine::metadata {
namespace {

// Strict JSON, plus where quotes were inserted (to map parser offsets back).
struct Normalized {
  std::string text;
  std::vector<size_t> inserted;  // offsets in `text` of inserted '"', ascending
};

bool IsBareKeyChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '$' || c == '-' || c == '+' || c == '.';
}

// Copies `in` to `out`, quoting bare keys if `quote_bare_keys`; rejects NUL
// bytes outside string literals and nesting deeper than kMaxFastjsonDepth.
absl::Status Normalize(std::string_view in, bool quote_bare_keys, Normalized& out) {
  enum class Container : uint8_t { kObject, kArray };
  std::vector<Container> open;
  bool key_due = false;  // after '{' or an object's ',', before the key
  out.text.clear();
  out.inserted.clear();
  out.text.reserve(in.size() + in.size() / 8 + 16);
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (c == '"') {
      // Copy the literal verbatim, honouring backslash escapes. An
      // unterminated literal runs to the end; the parser reports it.
      size_t j = i + 1;
      while (j < in.size() && in[j] != '"') j += in[j] == '\\' ? 2 : 1;
      const size_t end = std::min(j + 1, in.size());
      out.text.append(in.substr(i, end - i));
      i = end;
      key_due = false;
      continue;
    }
    if (quote_bare_keys && key_due && IsBareKeyChar(c)) {
      size_t j = i;
      while (j < in.size() && IsBareKeyChar(in[j])) ++j;
      out.inserted.push_back(out.text.size());
      out.text.push_back('"');
      out.text.append(in.substr(i, j - i));
      out.inserted.push_back(out.text.size());
      out.text.push_back('"');
      i = j;
      key_due = false;
      continue;
    }
    switch (c) {
      case '\0':
        // The parser reads NUL-terminated text: it would stop here.
        return absl::InvalidArgumentError(
            fmt::format("fastjson parse error at byte {}: NUL byte", i));
      case '{':
      case '[':
        if (open.size() >= static_cast<size_t>(kMaxFastjsonDepth)) {
          return absl::InvalidArgumentError(
              fmt::format("fastjson parse error at byte {}: nesting deeper "
                          "than {}",
                          i, kMaxFastjsonDepth));
        }
        open.push_back(c == '{' ? Container::kObject : Container::kArray);
        key_due = c == '{';
        break;
      case '}':
      case ']':
        if (!open.empty()) open.pop_back();
        key_due = false;
        break;
      case ',':
        key_due = !open.empty() && open.back() == Container::kObject;
        break;
      case ' ':
      case '\t':
      case '\n':
      case '\r':
        break;  // whitespace keeps the state
      default:
        key_due = false;
        break;
    }
    out.text.push_back(c);
    ++i;
  }
  return absl::OkStatus();
}

size_t OriginalOffset(const Normalized& n, size_t offset) {
  const auto before = std::lower_bound(n.inserted.begin(), n.inserted.end(), offset);
  return offset - static_cast<size_t>(before - n.inserted.begin());
}

// Builds the DOM for ParseNormalized. rapidjson::Document does not parse here:
// RapidJSON 1.1.0's internal::Stack adds an offset to a null pointer on its
// first push (Tencent/rapidjson#1724, fixed upstream after 1.1.0 but never
// released; Debian 12 ships 1.1.0), and clang's UBSan aborts on that. This
// builder keeps its own stack, and GenericReader never pushes on its internal
// stack with kParseInsituFlag and the (default) recursive parser. Recursion is
// bounded by kMaxFastjsonDepth, checked by Normalize.
class DomBuilder {
 public:
  explicit DomBuilder(rapidjson::Document::AllocatorType& allocator) : allocator_(allocator) {}

  bool Null() { return Push(rapidjson::Value()); }
  bool Bool(bool b) { return Push(rapidjson::Value(b)); }
  bool Int(int i) { return Push(rapidjson::Value(i)); }
  bool Uint(unsigned u) { return Push(rapidjson::Value(u)); }
  bool Int64(int64_t i) { return Push(rapidjson::Value(i)); }
  bool Uint64(uint64_t u) { return Push(rapidjson::Value(u)); }
  bool Double(double d) { return Push(rapidjson::Value(d)); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) {
    return false;  // only with kParseNumbersAsStringsFlag, which is not used
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Push(rapidjson::Value(s, n, allocator_));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return String(s, n, copy); }
  bool StartObject() {
    open_.push_back(values_.size());
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    rapidjson::Value object(rapidjson::kObjectType);
    const size_t start = Close();
    for (size_t i = start; i + 1 < values_.size(); i += 2) {
      object.AddMember(values_[i], values_[i + 1], allocator_);
    }
    values_.resize(start);
    return Push(std::move(object));
  }
  bool StartArray() { return StartObject(); }
  bool EndArray(rapidjson::SizeType) {
    rapidjson::Value array(rapidjson::kArrayType);
    const size_t start = Close();
    for (size_t i = start; i < values_.size(); ++i) {
      array.PushBack(values_[i], allocator_);
    }
    values_.resize(start);
    return Push(std::move(array));
  }

  rapidjson::Value& root() {
    TERN_CHECK(values_.size() == 1 && open_.empty());
    return values_.front();
  }

 private:
  bool Push(rapidjson::Value&& v) {
    values_.push_back(std::move(v));
    return true;
  }
  size_t Close() {
    TERN_CHECK(!open_.empty());
    const size_t start = open_.back();
    open_.pop_back();
    return start;
  }

  rapidjson::Document::AllocatorType& allocator_;
  // Finished values; those of an open object alternate key, value.
  std::vector<rapidjson::Value> values_;
  std::vector<size_t> open_;  // where each open container's values start
};

// Parses the strict JSON in `n.text` (parsed in place, so clobbered) into
// `doc`.
absl::Status ParseNormalized(Normalized& n, rapidjson::Document& doc) {
  doc.SetNull();
  DomBuilder builder(doc.GetAllocator());
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>> reader;
  rapidjson::InsituStringStream stream(n.text.data());
  const rapidjson::ParseResult result = reader.Parse<rapidjson::kParseInsituFlag>(stream, builder);
  if (result.IsError()) {
    return absl::InvalidArgumentError(fmt::format("fastjson parse error at byte {}: {}",
                                                  OriginalOffset(n, result.Offset()),
                                                  rapidjson::GetParseError_En(result.Code())));
  }
  static_cast<rapidjson::Value&>(doc).Swap(builder.root());
  return absl::OkStatus();
}

void AppendUnicodeEscape(unsigned code, std::string& out) {
  fmt::format_to(std::back_inserter(out), "\\u{:04X}", code);
}

// Decimal integer with an optional sign, as Java's Long.parseLong reads it.
std::optional<int64_t> ParseDecimal(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;
  }
  int64_t v = 0;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return v;
}

bool IsNullSpelling(const rapidjson::Value& v) {
  if (v.IsNull()) return true;
  if (!v.IsString()) return false;
  const std::string_view s(v.GetString(), v.GetStringLength());
  return s.empty() || s == "null" || s == "NULL";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char ch) {
             return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
           };
           return lower(x) == lower(y);
         });
}

absl::Status TypeError(std::string_view path, std::string_view expected) {
  return absl::InvalidArgumentError(fmt::format("{}: expected {}", path, expected));
}

}  // namespace

absl::StatusOr<std::string> NormalizeFastjson(std::string_view text) {
  Normalized n;
  TERN_RETURN_IF_ERROR(Normalize(text, /*quote_bare_keys=*/true, n));
  return std::move(n.text);
}

absl::Status ParseFastjson(std::string_view text, rapidjson::Document& doc) {
  Normalized n;
  TERN_RETURN_IF_ERROR(Normalize(text, /*quote_bare_keys=*/true, n));
  return ParseNormalized(n, doc);
}

absl::Status ParseStrictJson(std::string_view text, rapidjson::Document& doc) {
  Normalized n;
  TERN_RETURN_IF_ERROR(Normalize(text, /*quote_bare_keys=*/false, n));
  return ParseNormalized(n, doc);
}

void AppendFastjsonString(std::string_view value, std::string& out) {
  out.push_back('"');
  const size_t n = value.size();
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      AppendUnicodeEscape(c, out);
      continue;
    }
    // U+0080..U+009F are C2 80..C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < n) {
      const auto c2 = static_cast<unsigned char>(value[i + 1]);
      if (c2 >= 0x80 && c2 <= 0x9F) {
        AppendUnicodeEscape(c2, out);
        ++i;
        continue;
      }
    }
    // U+2028 / U+2029 are E2 80 A8 / E2 80 A9.
    if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(value[i + 1]) == 0x80) {
      const auto c3 = static_cast<unsigned char>(value[i + 2]);
      if (c3 == 0xA8 || c3 == 0xA9) {
        AppendUnicodeEscape(c3 == 0xA8 ? 0x2028 : 0x2029, out);
        i += 2;
        continue;
      }
    }
    out.push_back(static_cast<char>(c));
  }
  out.push_back('"');
}

// ---- FastjsonWriter ----

void FastjsonWriter::BeforeValue() {
  TERN_CHECK_MSG(value_due_, "FastjsonWriter: a key or EndObject is due, not a value");
  if (members_.empty()) {
    TERN_CHECK_MSG(!root_written_, "FastjsonWriter: second root value");
    root_written_ = true;
  }
  value_due_ = false;
}

void FastjsonWriter::BeforeKey() {
  TERN_CHECK_MSG(!members_.empty() && !value_due_, "FastjsonWriter: a key outside an object");
  if (members_.back() > 0) out_.push_back(',');
  ++members_.back();
  value_due_ = true;
}

void FastjsonWriter::NewLine(size_t depth) {
  out_.push_back('\n');
  out_.append(depth, '\t');
}

void FastjsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  members_.push_back(0);
}

void FastjsonWriter::EndObject() {
  TERN_CHECK_MSG(!members_.empty() && !value_due_, "FastjsonWriter: unbalanced EndObject");
  const int members = members_.back();
  members_.pop_back();
  if (members > 0) NewLine(members_.size());
  out_.push_back('}');
}

void FastjsonWriter::Key(std::string_view name) {
  BeforeKey();
  NewLine(members_.size());
  AppendFastjsonString(name, out_);
  out_.push_back(':');
}

void FastjsonWriter::IntKey(int64_t key) {
  BeforeKey();
  fmt::format_to(std::back_inserter(out_), "{}:", key);
}

void FastjsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendFastjsonString(value, out_);
}

void FastjsonWriter::Int(int64_t value) {
  BeforeValue();
  fmt::format_to(std::back_inserter(out_), "{}", value);
}

void FastjsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

std::string FastjsonWriter::Finish() && {
  TERN_CHECK_MSG(members_.empty() && root_written_ && !value_due_,
                 "FastjsonWriter: Finish on an incomplete document");
  return std::move(out_);
}

// ---- readers ----

std::string MemberPath(std::string_view path, std::string_view name) {
  return fmt::format("{}.{}", path, name);
}

const rapidjson::Value* FindMember(const rapidjson::Value& object, std::string_view name) {
  TERN_CHECK(object.IsObject());
  const rapidjson::Value* found = nullptr;
  for (auto m = object.MemberBegin(); m != object.MemberEnd(); ++m) {
    if (m->name.GetStringLength() == name.size() &&
        std::memcmp(m->name.GetString(), name.data(), name.size()) == 0) {
      found = &m->value;
    }
  }
  return found;
}

std::string StringOf(const rapidjson::Value& value) {
  TERN_CHECK(value.IsString());
  return std::string(value.GetString(), value.GetStringLength());
}

absl::Status ExpectObject(const rapidjson::Value& value, std::string_view path) {
  return value.IsObject() ? absl::OkStatus() : TypeError(path, "an object");
}

absl::StatusOr<const rapidjson::Value*> FindObjectMember(const rapidjson::Value& object,
                                                         std::string_view name,
                                                         std::string_view path) {
  const rapidjson::Value* v = FindMember(object, name);
  if (v == nullptr || v->IsNull()) return nullptr;
  if (!v->IsObject()) return TypeError(MemberPath(path, name), "an object");
  return v;
}

absl::StatusOr<int64_t> ToInt64(const rapidjson::Value& value, std::string_view path) {
  if (value.IsInt64()) return value.GetInt64();
  if (value.IsDouble()) {
    const double d = value.GetDouble();
    // [-2^63, 2^63): every double in it converts to int64 exactly when it is
    // integral.
    if (std::isfinite(d) && d == std::trunc(d) && d >= -0x1p63 && d < 0x1p63) {
      return static_cast<int64_t>(d);
    }
    return TypeError(path, "an integer");
  }
  if (value.IsString()) {
    if (std::optional<int64_t> v = ParseDecimal({value.GetString(), value.GetStringLength()})) {
      return *v;
    }
    return TypeError(path, "an integer");
  }
  if (value.IsNumber()) return TypeError(path, "an integer in the 64-bit range");
  return TypeError(path, "an integer");
}

absl::StatusOr<int32_t> ToInt32(const rapidjson::Value& value, std::string_view path) {
  TERN_ASSIGN_OR_RETURN(const int64_t v, ToInt64(value, path));
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return TypeError(path, "an integer in the 32-bit range");
  }
  return static_cast<int32_t>(v);
}

absl::StatusOr<bool> ToBool(const rapidjson::Value& value, std::string_view path) {
  if (value.IsBool()) return value.GetBool();
  if (value.IsNumber()) {
    TERN_ASSIGN_OR_RETURN(const int64_t v, ToInt64(value, path));
    return v == 1;
  }
  if (value.IsString()) {
    const std::string_view s(value.GetString(), value.GetStringLength());
    if (EqualsIgnoreCase(s, "true") || s == "1") return true;
    if (EqualsIgnoreCase(s, "false") || s == "0") return false;
  }
  return TypeError(path, "a boolean");
}

absl::StatusOr<std::string> ToString(const rapidjson::Value& value, std::string_view path) {
  if (value.IsString()) return StringOf(value);
  if (value.IsInt64()) return fmt::format("{}", value.GetInt64());
  if (value.IsUint64()) return fmt::format("{}", value.GetUint64());
  if (value.IsBool()) return std::string(value.GetBool() ? "true" : "false");
  return TypeError(path, "a string");
}

absl::StatusOr<int32_t> Int32Key(std::string_view key, std::string_view path) {
  const std::optional<int64_t> v = ParseDecimal(key);
  if (!v || *v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: key \"{}\" is not a 32-bit integer", path, key));
  }
  return static_cast<int32_t>(*v);
}

absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, int64_t& out) {
  const rapidjson::Value* v = FindMember(object, name);
  if (v == nullptr || IsNullSpelling(*v)) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(out, ToInt64(*v, MemberPath(path, name)));
  return absl::OkStatus();
}

absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, int32_t& out) {
  const rapidjson::Value* v = FindMember(object, name);
  if (v == nullptr || IsNullSpelling(*v)) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(out, ToInt32(*v, MemberPath(path, name)));
  return absl::OkStatus();
}

absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, bool& out) {
  const rapidjson::Value* v = FindMember(object, name);
  if (v == nullptr || IsNullSpelling(*v)) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(out, ToBool(*v, MemberPath(path, name)));
  return absl::OkStatus();
}

absl::Status ReadMember(const rapidjson::Value& object, std::string_view name,
                        std::string_view path, std::string& out) {
  const rapidjson::Value* v = FindMember(object, name);
  if (v == nullptr || v->IsNull()) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(out, ToString(*v, MemberPath(path, name)));
  return absl::OkStatus();
}

}  // namespace tern::engine::metadata
