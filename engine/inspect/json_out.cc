#include "engine/inspect/json_out.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/base/check.h"

namespace tern::inspect {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      switch (c) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += fmt::format("\\u{:04X}", c);
      }
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\\uFFFD";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
    }
  }
  out += '"';
}

void JsonOut::BeforeValue() {
  if (first_.empty()) {
    TERN_CHECK_MSG(out_.empty(), "JsonOut: a second root value");
    return;
  }
  if (key_pending_) {
    key_pending_ = false;
    return;
  }
  // Inside an array.
  if (!first_.back()) out_ += ',';
  first_.back() = false;
}

void JsonOut::BeginObject() {
  BeforeValue();
  out_ += '{';
  first_.push_back(true);
}

void JsonOut::EndObject() {
  TERN_CHECK(!first_.empty() && !key_pending_);
  out_ += '}';
  first_.pop_back();
}

void JsonOut::BeginArray() {
  BeforeValue();
  out_ += '[';
  first_.push_back(true);
}

void JsonOut::EndArray() {
  TERN_CHECK(!first_.empty() && !key_pending_);
  out_ += ']';
  first_.pop_back();
}

void JsonOut::Key(std::string_view name) {
  TERN_CHECK_MSG(!first_.empty() && !key_pending_, "JsonOut: key outside an object");
  if (!first_.back()) out_ += ',';
  first_.back() = false;
  AppendJsonString(name, out_);
  out_ += ':';
  key_pending_ = true;
}

void JsonOut::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(value, out_);
}

void JsonOut::Int(int64_t value) {
  BeforeValue();
  out_ += fmt::format("{}", value);
}

void JsonOut::Double(double value) {
  BeforeValue();
  if (std::isfinite(value)) {
    out_ += fmt::format("{:.3f}", value);
  } else {
    out_ += "null";
  }
}

void JsonOut::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

void JsonOut::Null() {
  BeforeValue();
  out_ += "null";
}

std::string JsonOut::Take() && {
  TERN_CHECK_MSG(first_.empty() && !key_pending_, "JsonOut: unclosed containers");
  return std::move(out_);
}

}  // namespace tern::inspect
