// sql_value.h: the values an SQL92 filter expression computes, and the Java rules that compare
// and convert them (RocketMQ's filter module: ComparisonExpression.__compare with string
// conversion on, Integer/Long/Double.valueOf, Double.compareTo).
//
// Kinds mirror the Java classes an expression can produce: null, Boolean, Integer (a decimal
// literal that fits 32 bits), Long, Double and String (every message property is a String).
// Integer and Long are distinct because Java converts a String operand to the *other*
// operand's class (Integer.valueOf vs Long.valueOf), so `a = 5` with a = "5000000000" fails
// to convert while `a = 5000000000` matches. kError stands for the exception Java throws
// during evaluation (a failed conversion, a Boolean compared with a String); it aborts the
// whole expression, which then does not match.
//
// Pure functions and a trivially copyable value; a kString value borrows its bytes (a
// property value in the record, or a literal in the compiled expression).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tern::filter {

enum class ValueKind : uint8_t { kNull, kBool, kInt, kLong, kDouble, kString, kError };

struct Value {
  ValueKind kind = ValueKind::kNull;
  bool b = false;      // kBool
  int64_t i = 0;       // kInt (int32 range) and kLong
  double d = 0;        // kDouble
  std::string_view s;  // kString

  static Value Null() { return {}; }
  static Value Error() { return {.kind = ValueKind::kError}; }
  static Value Bool(bool v) { return {.kind = ValueKind::kBool, .b = v}; }
  static Value Int(int32_t v) { return {.kind = ValueKind::kInt, .i = v}; }
  static Value Long(int64_t v) { return {.kind = ValueKind::kLong, .i = v}; }
  static Value Double(double v) { return {.kind = ValueKind::kDouble, .d = v}; }
  static Value String(std::string_view v) { return {.kind = ValueKind::kString, .s = v}; }

  bool is_null() const { return kind == ValueKind::kNull; }
  bool is_error() const { return kind == ValueKind::kError; }
  bool is_true() const { return kind == ValueKind::kBool && b; }
  bool is_false() const { return kind == ValueKind::kBool && !b; }
  bool is_number() const {
    return kind == ValueKind::kInt || kind == ValueKind::kLong || kind == ValueKind::kDouble;
  }
};

// Java's Integer.parseInt / Long.parseLong: an optional sign, then ASCII decimal digits, no
// whitespace, in range. (Java also takes non-ASCII Unicode digits; Tern does not.)
std::optional<int32_t> ParseJavaInt(std::string_view s);
std::optional<int64_t> ParseJavaLong(std::string_view s);
// Java's Double.parseDouble: surrounding whitespace (chars <= ' ') ignored, optional sign,
// "NaN", "Infinity", decimal with optional exponent, hex with a binary exponent
// ("0x1.8p1"), and an optional f/F/d/D suffix. Overflow gives infinity, underflow zero.
std::optional<double> ParseJavaDouble(std::string_view s);

// Double.compare: -0.0 < 0.0, NaN equal to itself and above everything.
int JavaDoubleCompare(double a, double b);

// ComparisonExpression.__compare(lv, rv) with string conversion on, for non-null, non-error
// operands: the sign of the comparison, or nullopt where Java throws (a String that does not
// convert to the other side's number class; a Boolean left of a String). Operands of
// different kinds that Java does not convert compare as "less" (-1), as in Java.
std::optional<int> JavaCompare(const Value& lv, const Value& rv);

}  // namespace tern::filter
