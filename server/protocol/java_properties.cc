#include "server/protocol/java_properties.h"

#include <fmt/format.h>

#include <cstdint>

#include "engine/base/status.h"

namespace tern::protocol {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }
bool IsEol(char c) { return c == '\n' || c == '\r'; }

// Splits `text` into logical lines (comments and blank lines dropped, continuations joined).
// Escapes are left in place; a continuation's backslash is removed.
std::vector<std::string> LogicalLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    // Start of a logical line: skip blanks and empty natural lines.
    while (i < n && (IsBlank(text[i]) || IsEol(text[i]))) ++i;
    if (i >= n) break;
    if (text[i] == '#' || text[i] == '!') {
      while (i < n && !IsEol(text[i])) ++i;
      continue;
    }
    std::string line;
    while (true) {
      const size_t start = i;
      while (i < n && !IsEol(text[i])) ++i;
      std::string_view natural = text.substr(start, i - start);
      // Consume the terminator (\r\n counts as one).
      if (i < n && text[i] == '\r') {
        ++i;
        if (i < n && text[i] == '\n') ++i;
      } else if (i < n && text[i] == '\n') {
        ++i;
      }
      size_t backslashes = 0;
      while (backslashes < natural.size() && natural[natural.size() - 1 - backslashes] == '\\') {
        ++backslashes;
      }
      if (backslashes % 2 == 1) {
        line.append(natural.substr(0, natural.size() - 1));
        // Continuation: drop the next line's leading blanks (not its terminator).
        while (i < n && IsBlank(text[i])) ++i;
        if (i >= n) break;
        continue;
      }
      line.append(natural);
      break;
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Properties.loadConvert.
absl::StatusOr<std::string> Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        uint32_t cp = 0;
        for (int k = 0; k < 4; ++k) {
          const int h = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
          if (h < 0) return absl::InvalidArgumentError("Malformed \\uxxxx encoding.");
          cp = cp * 16 + static_cast<uint32_t>(h);
          ++i;
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<PropertyEntries> ParseJavaProperties(std::string_view text) {
  PropertyEntries entries;
  for (const std::string& line : LogicalLines(text)) {
    size_t key_end = 0;
    bool escaped = false;
    bool has_sep = false;
    size_t value_start = line.size();
    for (; key_end < line.size(); ++key_end) {
      const char c = line[key_end];
      if (escaped) {
        escaped = false;
        continue;
      }
      if (c == '\\') {
        escaped = true;
        continue;
      }
      if (c == '=' || c == ':') {
        has_sep = true;
        break;
      }
      if (IsBlank(c)) break;
    }
    value_start = key_end < line.size() ? key_end + 1 : line.size();
    while (value_start < line.size()) {
      const char c = line[value_start];
      if (!IsBlank(c)) {
        if (!has_sep && (c == '=' || c == ':')) {
          has_sep = true;
        } else {
          break;
        }
      }
      ++value_start;
    }
    TERN_ASSIGN_OR_RETURN(std::string key, Unescape(std::string_view(line).substr(0, key_end)));
    TERN_ASSIGN_OR_RETURN(std::string value, Unescape(std::string_view(line).substr(value_start)));
    bool replaced = false;
    for (auto& [k, v] : entries) {
      if (k == key) {
        v = std::move(value);
        replaced = true;
        break;
      }
    }
    if (!replaced) entries.emplace_back(std::move(key), std::move(value));
  }
  return entries;
}

std::string FormatJavaProperties(const PropertyEntries& entries) {
  std::string out;
  for (const auto& [k, v] : entries) {
    out += k;
    out.push_back('=');
    out += v;
    out.push_back('\n');
  }
  return out;
}

}  // namespace tern::protocol
