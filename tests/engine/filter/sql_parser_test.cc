// ParseSql: error positions, limits against hostile input, the compiled form.
#include "engine/filter/sql_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/base/strings.h"
#include "engine/filter/sql_evaluator.h"
#include "engine/filter/sql_lexer.h"

namespace tern::filter {
namespace {

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<SqlExpression> e = ParseSql(text);
  if (e.ok()) return "OK";
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(MessageOf(e.status()));
}

TEST(SqlParser, ErrorsNameLineAndColumn) {
  EXPECT_EQ(ErrorOf("a = 1 AND b > 'x'"),
            "SQL92 expression: ''x'' cannot be compared with '>', '>=', '<', '<=' or BETWEEN "
            "(numbers only) at line 1, column 15");
  EXPECT_EQ(ErrorOf("a = 1 AND\n  b == 2"),
            "SQL92 expression: expected an operand, found '=' at line 2, column 6");
  EXPECT_EQ(ErrorOf("a = 'x"), "SQL92 expression: unterminated string literal at line 1, column 5");
  EXPECT_EQ(ErrorOf("a != 1"), "SQL92 expression: unexpected character '!' at line 1, column 3");
  EXPECT_EQ(ErrorOf("a = 1 b = 2"),
            "SQL92 expression: unexpected 'b' after a complete expression at line 1, column 7");
  EXPECT_EQ(ErrorOf(""),
            "SQL92 expression: expected an operand, found end of expression at "
            "line 1, column 1");
  EXPECT_EQ(ErrorOf("a = \x01"), "SQL92 expression: unexpected byte 0x01 at line 1, column 5");
  EXPECT_EQ(ErrorOf("NOT a > 5"),
            "SQL92 expression: 'NOT a' cannot be compared with '>', '>=', '<', '<=' or BETWEEN "
            "(numbers only) at line 1, column 1");
  EXPECT_EQ(ErrorOf("a BETWEEN 3 AND 1"),
            "SQL92 expression: BETWEEN needs low <= high, got '3' and '1' at line 1, column 11");
  EXPECT_EQ(ErrorOf("a > 0.0"),
            "SQL92 expression: '0.0' is less than the smallest positive double (Java rejects zero "
            "float literals) at line 1, column 5");
  EXPECT_EQ(ErrorOf("a = 'x' AND 5"),
            "SQL92 expression: '5' is not a condition at line 1, column 13");
  EXPECT_EQ(ErrorOf("a IS 5"),
            "SQL92 expression: expected NULL or NOT NULL after IS, found '5' at line 1, column 6");
  EXPECT_EQ(ErrorOf("a = 1\r\nAND b = #"),
            "SQL92 expression: unexpected character '#' at line 2, column 9");
}

TEST(SqlParser, LongOperandsAreShortenedInMessages) {
  const std::string big(100, 'x');
  const std::string msg = ErrorOf("a > '" + big + "'");
  EXPECT_NE(msg.find(" ''" + std::string(39, 'x') + "...' cannot"), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 200u);
}

TEST(SqlParser, RefusesExpressionsLongerThanTheLimit) {
  std::string text = "a IN (";
  while (text.size() < kMaxSqlLength) text += "'value', ";
  text += "'last')";
  EXPECT_NE(ErrorOf(text).find("longer than the limit"), std::string::npos);
  // Just under the limit is fine.
  std::string ok = "a IN ('v'";
  while (ok.size() + 10 < kMaxSqlLength) ok += ", 'v'";
  ok += ")";
  EXPECT_EQ(ErrorOf(ok), "OK");
}

TEST(SqlParser, RefusesDeepNestingWithoutExhaustingTheStack) {
  for (const std::string& open : {std::string("("), std::string("NOT "), std::string("- "),
                                  std::string("+ "), std::string("NOT (")}) {
    std::string text;
    while (text.size() + open.size() + 10 < kMaxSqlLength) text += open;
    text += "a = 1";
    SCOPED_TRACE(open);
    EXPECT_NE(ErrorOf(text).find("nested deeper than 100 levels"), std::string::npos);
  }
  // Chains of '=' and IS NULL nest to the left without recursion in the parser.
  std::string eq = "a";
  for (int i = 0; i < 5000; ++i) eq += " = TRUE";
  EXPECT_NE(ErrorOf(eq).find("nested deeper"), std::string::npos);
  std::string is = "a";
  for (int i = 0; i < 5000; ++i) is += " IS NULL";
  EXPECT_NE(ErrorOf(is).find("nested deeper"), std::string::npos);
}

TEST(SqlParser, AcceptsNestingUpToTheLimit) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "NOT (";
  text += "a = 1";
  for (int i = 0; i < 40; ++i) text += ")";
  absl::StatusOr<SqlExpression> e = ParseSql(text);
  ASSERT_TRUE(e.ok()) << MessageOf(e.status());
  EXPECT_TRUE(MatchesProperties(*e,
                                "a\x01"
                                "1\x02"));  // even number of NOTs
}

TEST(SqlParser, LongAndOrChainsAreFlatNotDeep) {
  std::string text = "a = '0'";
  for (int i = 1; i < 3000; ++i) text += " OR a = '" + std::to_string(i) + "'";
  absl::StatusOr<SqlExpression> e = ParseSql(text);
  ASSERT_TRUE(e.ok()) << MessageOf(e.status());
  EXPECT_LE(e->nodes[static_cast<size_t>(e->root)].depth, 3);
  EXPECT_TRUE(MatchesProperties(*e,
                                "a\x01"
                                "2999\x02"));
  EXPECT_FALSE(MatchesProperties(*e,
                                 "a\x01"
                                 "3000\x02"));
  std::string conj = "a > 0";
  for (int i = 1; i < 3000; ++i) conj += " AND a > " + std::to_string(-i);
  e = ParseSql(conj);
  ASSERT_TRUE(e.ok()) << MessageOf(e.status());
  EXPECT_TRUE(MatchesProperties(*e,
                                "a\x01"
                                "1\x02"));
}

TEST(SqlParser, IdentifiersAreSortedAndDistinct) {
  absl::StatusOr<SqlExpression> e = ParseSql("zeta = 1 AND alpha = 2 OR zeta = 3 AND Mid IS NULL");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->identifiers, (std::vector<std::string>{"Mid", "alpha", "zeta"}));
  EXPECT_EQ(e->source, "zeta = 1 AND alpha = 2 OR zeta = 3 AND Mid IS NULL");
}

TEST(SqlParser, ContextualStringOperatorsStayUsableAsPropertyNames) {
  absl::StatusOr<SqlExpression> e = ParseSql("contains CONTAINS 'x' AND startswith = 'y'");
  ASSERT_TRUE(e.ok()) << MessageOf(e.status());
  EXPECT_TRUE(MatchesProperties(*e,
                                "contains\x01"
                                "axb\x02startswith\x01y\x02"));
}

TEST(SqlLexer, FollowsJavaLongestMatch) {
  absl::StatusOr<std::vector<Token>> t = Tokenize("007 5L 1.5e3 .5 1e 5. a1$ NOTx not");
  ASSERT_TRUE(t.ok());
  std::vector<std::pair<TokenKind, std::string_view>> got;
  for (const Token& k : *t) got.emplace_back(k.kind, k.text);
  const std::vector<std::pair<TokenKind, std::string_view>> want = {
      {TokenKind::kDecimal, "0"},  {TokenKind::kDecimal, "0"},   {TokenKind::kDecimal, "7"},
      {TokenKind::kDecimal, "5L"}, {TokenKind::kFloat, "1.5e3"}, {TokenKind::kFloat, ".5"},
      {TokenKind::kDecimal, "1"},  {TokenKind::kId, "e"},        {TokenKind::kFloat, "5."},
      {TokenKind::kId, "a1$"},     {TokenKind::kId, "NOTx"},     {TokenKind::kNot, "not"},
      {TokenKind::kEnd, ""}};
  EXPECT_EQ(got, want);
}

TEST(SqlLexer, UnterminatedLineCommentIsTwoMinusSigns) {
  absl::StatusOr<std::vector<Token>> t = Tokenize("--1");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 4u);
  EXPECT_EQ((*t)[0].kind, TokenKind::kMinus);
  EXPECT_TRUE((*t)[0].trailing_comment);
  EXPECT_EQ((*t)[1].kind, TokenKind::kMinus);
  EXPECT_FALSE((*t)[1].trailing_comment);
  EXPECT_EQ(DecodeStringLiteral("'it''s'''"), "it's'");
  EXPECT_EQ(DescribePosition("a\nbc\r\nd", 6), "line 3, column 1");
}

}  // namespace
}  // namespace tern::filter
