// sql_evaluator.h: evaluates a compiled SQL92 filter expression against one message's
// properties, with the Java broker's semantics (RocketMQ ExpressionMessageFilter over the
// filter module's expression classes, 4.8.0):
//
//  * Every property is a String; a missing property is null.
//  * Three-valued logic: a comparison with a null operand is null ("unknown"), AND/OR/NOT
//    follow SQL's tables and short-circuit left to right; only a final TRUE matches.
//    Java's asymmetries are kept: `a = 5` with `a` missing is null but `5 = a` is FALSE (so
//    `5 <> a` matches a message without `a`); IS NULL / IS NOT NULL are never null.
//  * A String compared with a number is converted to the number's class (`a > 5` reads `a` as
//    an int, `a > 5.0` as a double); two Strings under > >= < <= are both read as doubles;
//    `a = TRUE` is true when `a` is "true" in any case.
//  * A conversion that fails is an error (Java's exception) and the whole expression does
//    not match — even under OR: with a = "x", `a > 5 OR b = 1` never matches, while
//    `b = 1 OR a > 5` does when b = 1 (short-circuit before the failing operand).
//
// Pure functions over immutable inputs; thread-safe. Recursion depth is bounded by the
// parser's kMaxSqlDepth.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "engine/filter/sql_expression.h"
#include "engine/filter/sql_value.h"

namespace tern::filter {

// The value of `expr` with slot i bound to the property named expr.identifiers[i]
// (nullopt: the message has no such property). `slots` must have one entry per identifier.
Value Evaluate(const SqlExpression& expr, std::span<const std::optional<std::string_view>> slots);

// Evaluates on a stored properties string (name\x01value\x02 pairs, engine/properties.h).
// A name that repeats takes its last value; a pair whose value holds a \x01 is skipped, as
// the Java broker's decoder does.
Value EvaluateOnProperties(const SqlExpression& expr, std::string_view properties);

// True only when the expression evaluates to TRUE (null, FALSE and errors do not match).
inline bool MatchesProperties(const SqlExpression& expr, std::string_view properties) {
  return EvaluateOnProperties(expr, properties).is_true();
}

}  // namespace tern::filter
