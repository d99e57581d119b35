// Evaluation on stored properties strings and the store-side filter.
#include "engine/filter/sql_evaluator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/base/strings.h"
#include "engine/filter/sql_message_filter.h"
#include "engine/filter/sql_parser.h"
#include "engine/properties.h"

namespace tern::filter {
namespace {

SqlExpression Compile(std::string_view text) {
  absl::StatusOr<SqlExpression> e = ParseSql(text);
  EXPECT_TRUE(e.ok()) << MessageOf(e.status());
  return *std::move(e);
}

TEST(SqlEvaluator, TheLastOfARepeatedPropertyWins) {
  const SqlExpression e = Compile("a = 2");
  EXPECT_TRUE(MatchesProperties(e,
                                "a\x01"
                                "1\x02"
                                "a\x01"
                                "2\x02"));
  EXPECT_FALSE(MatchesProperties(e,
                                 "a\x01"
                                 "2\x02"
                                 "a\x01"
                                 "1\x02"));
}

TEST(SqlEvaluator, ReadsPairsAsTheJavaBrokerSplitsThem) {
  const SqlExpression e = Compile("a = 'x'");
  // Java 4.9 form without the final separator.
  EXPECT_TRUE(MatchesProperties(e,
                                "b\x01y\x02"
                                "a\x01x"));
  // A value holding \x01 splits into three parts in Java: skipped (the earlier value stays).
  EXPECT_TRUE(MatchesProperties(e,
                                "a\x01x\x02"
                                "a\x01x\x01z\x02"));
  EXPECT_EQ(EvaluateOnProperties(e, "a\x01x\x01z\x02").kind, ValueKind::kNull);
  // Trailing \x01s vanish in Java's split.
  EXPECT_TRUE(MatchesProperties(e, "a\x01x\x01\x01\x02"));
  // Empty values and names are not properties.
  EXPECT_EQ(EvaluateOnProperties(e, "a\x01\x02\x01x\x02").kind, ValueKind::kNull);
  EXPECT_EQ(EvaluateOnProperties(e, "").kind, ValueKind::kNull);
}

TEST(SqlEvaluator, ManyIdentifiersUseHeapSlots) {
  std::string text = "p0 = '0'";
  std::string props;
  for (int i = 1; i < 40; ++i) {
    text += fmt::format(" AND p{} = '{}'", i, i);
  }
  for (int i = 39; i >= 0; --i)
    engine::AppendProperty(&props, fmt::format("p{}", i), std::to_string(i));
  const SqlExpression e = Compile(text);
  EXPECT_EQ(e.identifiers.size(), 40u);
  EXPECT_TRUE(MatchesProperties(e, props));
  engine::AppendProperty(&props, "p17", "x");
  EXPECT_FALSE(MatchesProperties(e, props));
}

TEST(SqlEvaluator, MessageFilterPassesEveryTagCodeAndChecksProperties) {
  auto expr = std::make_shared<const SqlExpression>(Compile("TAGS IN ('A', 'B') AND n > 3"));
  const SqlMessageFilter f(expr);
  EXPECT_TRUE(f.MatchByTagsCode(0));
  EXPECT_TRUE(f.MatchByTagsCode(12345));
  std::string props;
  engine::AppendProperty(&props, "TAGS", "B");
  engine::AppendProperty(&props, "n", "4");
  engine::RecordView r;
  r.properties = props;
  EXPECT_TRUE(f.MatchByRecord(r));
  EXPECT_TRUE(f.MatchByProperties(props));
  r.properties =
      "TAGS\x01"
      "C\x02n\x01"
      "4\x02";
  EXPECT_FALSE(f.MatchByRecord(r));
  EXPECT_FALSE(
      f.MatchByProperties("TAGS\x01"
                          "A\x02n\x01"
                          "3\x02"));
  EXPECT_EQ(&f.expression(), expr.get());
}

TEST(SqlEvaluator, EvaluatesWithExplicitSlots) {
  const SqlExpression e = Compile("b > a");
  ASSERT_EQ(e.identifiers, (std::vector<std::string>{"a", "b"}));
  const std::optional<std::string_view> slots[] = {"1", "2"};
  EXPECT_TRUE(Evaluate(e, slots).is_true());
  const std::optional<std::string_view> missing[] = {std::nullopt, "2"};
  EXPECT_TRUE(Evaluate(e, missing).is_null());
}

}  // namespace
}  // namespace tern::filter
