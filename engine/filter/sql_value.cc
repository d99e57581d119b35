#include "engine/filter/sql_value.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace tern::filter {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Digits after an optional sign, accumulated negatively (so MIN fits), within [min, max].
std::optional<int64_t> ParseJavaIntegral(std::string_view s, int64_t min, int64_t max) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  const int64_t limit = negative ? min : -max;
  const int64_t multmin = limit / 10;
  int64_t acc = 0;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return std::nullopt;
    const int digit = s[i] - '0';
    if (acc < multmin) return std::nullopt;
    acc *= 10;
    if (acc < limit + digit) return std::nullopt;
    acc -= digit;
  }
  return negative ? acc : -acc;
}

// Length of a run of characters satisfying `pred` starting at `i`.
template <typename Pred>
size_t Run(std::string_view s, size_t i, Pred pred) {
  size_t n = 0;
  while (i + n < s.size() && pred(s[i + n])) ++n;
  return n;
}

// Boolean.valueOf(String): true only for "true" in any letter case.
bool JavaBooleanValueOf(std::string_view s) {
  static constexpr std::string_view kTrue = "true";
  if (s.size() != kTrue.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] | 0x20) != kTrue[i]) return false;
  }
  return true;
}

bool IsTypeSuffix(char c) { return c == 'f' || c == 'F' || c == 'd' || c == 'D'; }

// Checks the Java syntax of an unsigned hex float "0x<hex>[.<hex>]p[sign]<digits>[fFdD]".
bool IsJavaHexFloat(std::string_view s) {
  if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
  size_t i = 2;
  const size_t whole = Run(s, i, IsHexDigit);
  i += whole;
  size_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac = Run(s, i, IsHexDigit);
    i += frac;
  }
  if (whole + frac == 0) return false;
  if (i >= s.size() || (s[i] != 'p' && s[i] != 'P')) return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const size_t exp = Run(s, i, IsDigit);
  if (exp == 0) return false;
  i += exp;
  if (i < s.size() && IsTypeSuffix(s[i])) ++i;
  return i == s.size();
}

// Checks the Java syntax of an unsigned decimal float "<digits>[.<digits>][e[sign]<digits>]
// [fFdD]" with at least one digit before the exponent.
bool IsJavaDecimalFloat(std::string_view s) {
  size_t i = 0;
  const size_t whole = Run(s, i, IsDigit);
  i += whole;
  size_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac = Run(s, i, IsDigit);
    i += frac;
  }
  if (whole + frac == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t exp = Run(s, i, IsDigit);
    if (exp == 0) return false;
    i += exp;
  }
  if (i < s.size() && IsTypeSuffix(s[i])) ++i;
  return i == s.size();
}

}  // namespace

std::optional<int32_t> ParseJavaInt(std::string_view s) {
  std::optional<int64_t> v = ParseJavaIntegral(s, std::numeric_limits<int32_t>::min(),
                                               std::numeric_limits<int32_t>::max());
  if (!v) return std::nullopt;
  return static_cast<int32_t>(*v);
}

std::optional<int64_t> ParseJavaLong(std::string_view s) {
  return ParseJavaIntegral(s, std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<int64_t>::max());
}

std::optional<double> ParseJavaDouble(std::string_view s) {
  // String.trim(): every char <= ' ' at either end.
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  double v = 0;
  if (s == "NaN") {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (s == "Infinity") {
    v = std::numeric_limits<double>::infinity();
  } else {
    if (!IsJavaHexFloat(s) && !IsJavaDecimalFloat(s)) return std::nullopt;
    // Both forms end with a digit or '.' (a hex float with its decimal exponent), so a
    // trailing f/F/d/D is the type suffix.
    if (IsTypeSuffix(s.back())) s.remove_suffix(1);
    // strtod reads both forms, rounds correctly like Java, and saturates to inf / 0.
    const std::string text(s);
    char* end = nullptr;
    v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return std::nullopt;
  }
  return negative ? -v : v;
}

int JavaDoubleCompare(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  // Equal, or NaN involved, or +-0: order by the canonical bit patterns as Java does.
  auto bits = [](double x) {
    if (std::isnan(x)) return int64_t{0x7ff8000000000000};
    int64_t out = 0;
    std::memcpy(&out, &x, sizeof out);
    return out;
  };
  const int64_t x = bits(a);
  const int64_t y = bits(b);
  return x == y ? 0 : (x < y ? -1 : 1);
}

std::optional<int> JavaCompare(const Value& lv, const Value& rv) {
  auto sign = [](auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); };
  using K = ValueKind;
  if (lv.kind == rv.kind) {
    switch (lv.kind) {
      case K::kBool:
        return sign(static_cast<int>(lv.b), static_cast<int>(rv.b));
      case K::kInt:
      case K::kLong:
        return sign(lv.i, rv.i);
      case K::kDouble:
        return JavaDoubleCompare(lv.d, rv.d);
      case K::kString: {
        const int c = lv.s.compare(rv.s);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      case K::kNull:
      case K::kError:
        return std::nullopt;
    }
  }
  switch (lv.kind) {
    case K::kBool:
      // Java casts the Boolean to String here and throws ClassCastException.
      if (rv.kind == K::kString) return std::nullopt;
      return -1;
    case K::kInt:
    case K::kLong:
      if (rv.kind == K::kInt || rv.kind == K::kLong) return sign(lv.i, rv.i);
      if (rv.kind == K::kDouble) return JavaDoubleCompare(static_cast<double>(lv.i), rv.d);
      if (rv.kind == K::kString) {
        // Integer.valueOf or Long.valueOf, after the left operand's class.
        std::optional<int64_t> r;
        if (lv.kind == K::kInt) {
          if (std::optional<int32_t> x = ParseJavaInt(rv.s)) r = *x;
        } else {
          r = ParseJavaLong(rv.s);
        }
        if (!r) return std::nullopt;
        return sign(lv.i, *r);
      }
      return -1;
    case K::kDouble:
      if (rv.kind == K::kInt || rv.kind == K::kLong) {
        return JavaDoubleCompare(lv.d, static_cast<double>(rv.i));
      }
      if (rv.kind == K::kString) {
        std::optional<double> r = ParseJavaDouble(rv.s);
        if (!r) return std::nullopt;
        return JavaDoubleCompare(lv.d, *r);
      }
      return -1;
    case K::kString:
      switch (rv.kind) {
        case K::kBool:
          return sign(static_cast<int>(JavaBooleanValueOf(lv.s)), static_cast<int>(rv.b));
        case K::kInt: {
          std::optional<int32_t> l = ParseJavaInt(lv.s);
          if (!l) return std::nullopt;
          return sign(static_cast<int64_t>(*l), rv.i);
        }
        case K::kLong: {
          std::optional<int64_t> l = ParseJavaLong(lv.s);
          if (!l) return std::nullopt;
          return sign(*l, rv.i);
        }
        case K::kDouble: {
          std::optional<double> l = ParseJavaDouble(lv.s);
          if (!l) return std::nullopt;
          return JavaDoubleCompare(*l, rv.d);
        }
        default:
          return -1;
      }
    case K::kNull:
    case K::kError:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace tern::filter
