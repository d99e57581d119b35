// Java number parsing and comparison rules (sql_value.h).
#include "engine/filter/sql_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tern::filter {
namespace {

TEST(SqlValue, ParseJavaIntAndLongFollowParseIntAndParseLong) {
  EXPECT_EQ(ParseJavaInt("0"), 0);
  EXPECT_EQ(ParseJavaInt("+7"), 7);
  EXPECT_EQ(ParseJavaInt("-0"), 0);
  EXPECT_EQ(ParseJavaInt("2147483647"), 2147483647);
  EXPECT_EQ(ParseJavaInt("-2147483648"), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(ParseJavaInt("000012"), 12);
  for (const char* bad : {"", "+", "-", "2147483648", "-2147483649", " 1", "1 ", "1.0", "0x1",
                          "1e3", "--1", "+-1", "99999999999999999999"}) {
    EXPECT_EQ(ParseJavaInt(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseJavaLong("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseJavaLong("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseJavaLong("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseJavaLong("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(ParseJavaLong("5000000000"), 5000000000);
}

TEST(SqlValue, ParseJavaDoubleFollowsDoubleValueOf) {
  EXPECT_EQ(ParseJavaDouble("1.5"), 1.5);
  EXPECT_EQ(ParseJavaDouble("  1.5\t\n"), 1.5);
  EXPECT_EQ(ParseJavaDouble("+.5"), 0.5);
  EXPECT_EQ(ParseJavaDouble("5."), 5.0);
  EXPECT_EQ(ParseJavaDouble("-1e3"), -1000.0);
  EXPECT_EQ(ParseJavaDouble("1E+3d"), 1000.0);
  EXPECT_EQ(ParseJavaDouble("2f"), 2.0);
  EXPECT_EQ(ParseJavaDouble("0x1.8p1"), 3.0);
  EXPECT_EQ(ParseJavaDouble("0X10P0D"), 16.0);
  EXPECT_EQ(ParseJavaDouble("0x.8p1"), 1.0);
  EXPECT_EQ(ParseJavaDouble("1e400"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseJavaDouble("-1e400"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseJavaDouble("1e-400"), 0.0);
  EXPECT_EQ(ParseJavaDouble("Infinity"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseJavaDouble("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*ParseJavaDouble("NaN")));
  EXPECT_TRUE(std::signbit(*ParseJavaDouble("-0.0")));
  EXPECT_EQ(ParseJavaDouble("0.10000000000000001"), 0.1);
  for (const char* bad :
       {"",     " ",   ".",        "e5",  "1e",   "1e+", "1.5x",  "1..5",  "0x10", "0x1p",
        "0xp1", "nan", "infinity", "Inf", "NaNd", "1 2", "1_000", "1.5ff", "--1",  "0x1.8p1.5"}) {
    EXPECT_EQ(ParseJavaDouble(bad), std::nullopt) << bad;
  }
}

TEST(SqlValue, JavaDoubleCompareOrdersZerosAndNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(JavaDoubleCompare(-0.0, 0.0), -1);
  EXPECT_EQ(JavaDoubleCompare(0.0, -0.0), 1);
  EXPECT_EQ(JavaDoubleCompare(nan, nan), 0);
  EXPECT_EQ(JavaDoubleCompare(nan, inf), 1);
  EXPECT_EQ(JavaDoubleCompare(inf, nan), -1);
  EXPECT_EQ(JavaDoubleCompare(1.0, 2.0), -1);
  EXPECT_EQ(JavaDoubleCompare(2.0, 2.0), 0);
}

TEST(SqlValue, JavaCompareConvertsAsComparisonExpressionDoes) {
  // A String converts to the other operand's class; failures are Java's exceptions.
  EXPECT_EQ(JavaCompare(Value::String("5"), Value::Int(5)), 0);
  EXPECT_EQ(JavaCompare(Value::Int(5), Value::String("6")), -1);
  EXPECT_EQ(JavaCompare(Value::String("5000000000"), Value::Int(5)), std::nullopt);
  EXPECT_EQ(JavaCompare(Value::String("5000000000"), Value::Long(5000000000)), 0);
  EXPECT_EQ(JavaCompare(Value::Long(5000000000), Value::String("5000000001")), -1);
  EXPECT_EQ(JavaCompare(Value::String("1.5"), Value::Double(1.5)), 0);
  EXPECT_EQ(JavaCompare(Value::Double(1.5), Value::String("x")), std::nullopt);
  EXPECT_EQ(JavaCompare(Value::String("TRUE"), Value::Bool(true)), 0);
  EXPECT_EQ(JavaCompare(Value::String("yes"), Value::Bool(false)), 0);
  EXPECT_EQ(JavaCompare(Value::Bool(true), Value::String("true")), std::nullopt);
  // Numbers widen; unrelated classes compare as "less".
  EXPECT_EQ(JavaCompare(Value::Int(2), Value::Long(1)), 1);
  EXPECT_EQ(JavaCompare(Value::Long(1), Value::Double(1.5)), -1);
  EXPECT_EQ(JavaCompare(Value::Double(2.0), Value::Int(2)), 0);
  EXPECT_EQ(JavaCompare(Value::Bool(true), Value::Int(1)), -1);
  EXPECT_EQ(JavaCompare(Value::Int(1), Value::Bool(true)), -1);
  EXPECT_EQ(JavaCompare(Value::Bool(false), Value::Bool(true)), -1);
  EXPECT_EQ(JavaCompare(Value::String("a"), Value::String("b")), -1);
}

}  // namespace
}  // namespace tern::filter
