#include "engine/filter/sql_lexer.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace tern::filter {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsIdPart(char c) { return IsIdStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

constexpr std::array<std::pair<std::string_view, TokenKind>, 9> kKeywords = {{
    {"NOT", TokenKind::kNot},
    {"AND", TokenKind::kAnd},
    {"OR", TokenKind::kOr},
    {"BETWEEN", TokenKind::kBetween},
    {"IN", TokenKind::kIn},
    {"TRUE", TokenKind::kTrue},
    {"FALSE", TokenKind::kFalse},
    {"NULL", TokenKind::kNull},
    {"IS", TokenKind::kIs},
}};

// Length of the longest DECIMAL_LITERAL at `i` (0 if none).
size_t DecimalLength(std::string_view s, size_t i) {
  if (i >= s.size() || !IsDigit(s[i])) return 0;
  if (s[i] == '0') return 1;
  size_t n = 1;
  while (i + n < s.size() && IsDigit(s[i + n])) ++n;
  if (i + n < s.size() && (s[i + n] == 'l' || s[i + n] == 'L')) ++n;
  return n;
}

// Length of an EXPONENT at `i` (0 if none).
size_t ExponentLength(std::string_view s, size_t i) {
  if (i >= s.size() || (s[i] != 'e' && s[i] != 'E')) return 0;
  size_t n = 1;
  if (i + n < s.size() && (s[i + n] == '+' || s[i + n] == '-')) ++n;
  size_t digits = 0;
  while (i + n + digits < s.size() && IsDigit(s[i + n + digits])) ++digits;
  return digits == 0 ? 0 : n + digits;
}

// Length of the longest FLOATING_POINT_LITERAL at `i` (0 if none).
size_t FloatLength(std::string_view s, size_t i) {
  size_t digits = 0;
  while (i + digits < s.size() && IsDigit(s[i + digits])) ++digits;
  size_t best = 0;
  if (digits > 0 && i + digits < s.size() && s[i + digits] == '.') {
    // 5.  5.5  5.5E10  5.E10
    size_t n = digits + 1;
    while (i + n < s.size() && IsDigit(s[i + n])) ++n;
    best = n + ExponentLength(s, i + n);
  } else if (digits == 0 && i < s.size() && s[i] == '.') {
    // .5  .5E10
    size_t n = 1;
    while (i + n < s.size() && IsDigit(s[i + n])) ++n;
    if (n > 1) best = n + ExponentLength(s, i + n);
  } else if (digits > 0) {
    // 5E10
    const size_t e = ExponentLength(s, i + digits);
    if (e > 0) best = digits + e;
  }
  return best;
}

absl::Status LexError(std::string_view input, size_t offset, std::string_view what) {
  return absl::InvalidArgumentError(
      fmt::format("SQL92 expression: {} at {}", what, DescribePosition(input, offset)));
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

std::string DescribePosition(std::string_view input, size_t offset) {
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < input.size(); ++i) {
    // \r\n, \r and \n each end a line.
    if (input[i] == '\n' || (input[i] == '\r' && (i + 1 >= input.size() || input[i + 1] != '\n'))) {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("line {}, column {}", line, offset - line_start + 1);
}

std::string DescribeToken(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of expression";
  std::string_view t = token.text;
  if (t.size() > 40) return fmt::format("'{}...'", t.substr(0, 40));
  return fmt::format("'{}'", t);
}

std::string DecodeStringLiteral(std::string_view text) {
  std::string out;
  if (text.size() < 2) return out;
  out.reserve(text.size() - 2);
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    out.push_back(text[i]);
    if (text[i] == '\'') ++i;  // '' stands for one quote
  }
  return out;
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view input) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto emit = [&](TokenKind kind, size_t len) {
    tokens.push_back(Token{kind, input.substr(i, len), i, false});
    i += len;
  };
  while (i < input.size()) {
    const char c = input[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < input.size() && input[i + 1] == '-') {
      const size_t eol = input.find_first_of("\r\n", i + 2);
      if (eol != std::string_view::npos) {
        i = eol + 1;  // a following '\n' of "\r\n" is whitespace
        continue;
      }
      tokens.push_back(Token{TokenKind::kMinus, input.substr(i, 1), i, true});
      ++i;
      continue;
    }
    if (c == '/' && i + 1 < input.size() && input[i + 1] == '*') {
      const size_t end = input.find("*/", i + 2);
      if (end == std::string_view::npos) return LexError(input, i, "unterminated comment");
      i = end + 2;
      continue;
    }
    if (c == '\'') {
      size_t j = i + 1;
      while (true) {
        if (j >= input.size()) return LexError(input, i, "unterminated string literal");
        if (input[j] == '\'') {
          if (j + 1 < input.size() && input[j + 1] == '\'') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      emit(TokenKind::kString, j + 1 - i);
      continue;
    }
    if (IsDigit(c) || c == '.') {
      const size_t dec = DecimalLength(input, i);
      const size_t flt = FloatLength(input, i);
      if (dec == 0 && flt == 0) return LexError(input, i, "unexpected character '.'");
      if (flt > dec) {
        emit(TokenKind::kFloat, flt);
      } else {
        emit(TokenKind::kDecimal, dec);
      }
      continue;
    }
    if (IsIdStart(c)) {
      size_t n = 1;
      while (i + n < input.size() && IsIdPart(input[i + n])) ++n;
      TokenKind kind = TokenKind::kId;
      for (const auto& [word, k] : kKeywords) {
        if (EqualsIgnoreCase(input.substr(i, n), word)) kind = k;
      }
      emit(kind, n);
      continue;
    }
    const char next = i + 1 < input.size() ? input[i + 1] : '\0';
    switch (c) {
      case '=':
        emit(TokenKind::kEq, 1);
        continue;
      case '<':
        if (next == '>') {
          emit(TokenKind::kNe, 2);
        } else if (next == '=') {
          emit(TokenKind::kLe, 2);
        } else {
          emit(TokenKind::kLt, 1);
        }
        continue;
      case '>':
        if (next == '=') {
          emit(TokenKind::kGe, 2);
        } else {
          emit(TokenKind::kGt, 1);
        }
        continue;
      case '(':
        emit(TokenKind::kLParen, 1);
        continue;
      case ')':
        emit(TokenKind::kRParen, 1);
        continue;
      case ',':
        emit(TokenKind::kComma, 1);
        continue;
      case '+':
        emit(TokenKind::kPlus, 1);
        continue;
      case '-':
        emit(TokenKind::kMinus, 1);
        continue;
      default:
        break;
    }
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      return LexError(input, i, fmt::format("unexpected character '{}'", c));
    }
    return LexError(input, i, fmt::format("unexpected byte 0x{:02x}", u));
  }
  tokens.push_back(Token{TokenKind::kEnd, input.substr(input.size()), input.size(), false});
  return tokens;
}

}  // namespace tern::filter
