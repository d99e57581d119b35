// sql_parser.h: compiles an SQL92 filter expression (RocketMQ's MessageSelector.bySql) into
// an SqlExpression.
//
// Grammar (Java's SelectorParser.jj, 4.8.0; lowest precedence first):
//   expr        := and (OR and)*
//   and         := equality (AND equality)*
//   equality    := comparison ( '=' comparison | '<>' comparison | IS NULL | IS NOT NULL )*
//   comparison  := unary ( ('>' | '>=' | '<' | '<=') unary
//                        | [NOT] BETWEEN unary AND unary
//                        | [NOT] IN '(' string (',' string)* ')'
//                        | [NOT] (CONTAINS | STARTSWITH | ENDSWITH) string )*
//   unary       := '+' unary | '-' unary | NOT unary | primary
//   primary     := string | decimal | float | TRUE | FALSE | NULL | identifier | '(' expr ')'
// NOT binds tighter than comparisons, as in Java: "NOT a > 5" is an error ("(NOT a)" cannot
// be compared); write "NOT (a > 5)".
//
// Java's checks while building, each an error here too: AND/OR/NOT operands and the whole
// expression must be conditions (a bare property is allowed and never matches); '>', '>=',
// '<', '<=' take no string, boolean or NULL literal and no condition; '=' and '<>' take no
// NULL literal, and TRUE/FALSE on the left only against a boolean literal; BETWEEN with two
// literal bounds needs low <= high; IN applies to a property only; a decimal literal must fit
// a long; a float literal must be finite and nonzero (Java: "0.0 is less than 4.9E-324").
//
// One deliberate difference: Java stops at the end of the first complete expression and
// ignores what follows ("a = 1 b = 2" filters on a = 1). Tern rejects trailing tokens, except
// a "--" comment without a final line end.
//
// Limits against hostile input: at most kMaxSqlLength bytes, and nesting (parentheses, prefix
// operators, chained comparisons) at most kMaxSqlDepth deep. Errors are InvalidArgument
// naming the line and column. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/filter/sql_expression.h"

namespace tern::filter {

inline constexpr size_t kMaxSqlLength = 64 * 1024;
inline constexpr int kMaxSqlDepth = 100;

absl::StatusOr<SqlExpression> ParseSql(std::string_view text);

}  // namespace tern::filter
