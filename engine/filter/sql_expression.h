// sql_expression.h: a compiled SQL92 filter expression — the tree ParseSql (sql_parser.h)
// builds and the evaluator (sql_evaluator.h) walks.
//
// Nodes live in one vector and refer to their operands by index (BETWEEN's tested value is
// shared by its two comparisons). Each node is one of Java's expression classes, so
// evaluation can follow Java's rules node by node:
//   kConst       a literal (TRUE / FALSE / NULL are Java's BooleanConstantExpression)
//   kProperty    a message property by name (slot index into identifiers())
//   kNegate      unary minus          kNot      NOT (three-valued)
//   kBoolCast    a bare property used as a condition (true only if its value is a Boolean:
//                a property value is always a String, so never true)
//   kAnd, kOr    n-ary (Java's left-deep chains, flattened; same short-circuit results)
//   kEqual       = (IS NULL is kEqual with a NULL constant; <> and IS NOT NULL are kNot over it)
//   kGt kGe kLt kLe  (BETWEEN is kAnd of kGe, kLe; NOT BETWEEN is kOr of kLt, kGt)
//   kIn          IN / NOT IN over string literals (negated)
//   kContains kStartsWith kEndsWith (RocketMQ 5; negated for NOT ...)
//
// Immutable after parsing; safe to share between threads. Depth is bounded by the parser
// (kMaxSqlDepth), so recursive evaluation cannot exhaust the stack.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/filter/sql_value.h"

namespace tern::filter {

enum class SqlOp : uint8_t {
  kConst,
  kProperty,
  kNegate,
  kNot,
  kBoolCast,
  kAnd,
  kOr,
  kEqual,
  kGt,
  kGe,
  kLt,
  kLe,
  kIn,
  kContains,
  kStartsWith,
  kEndsWith,
};

struct SqlNode {
  SqlOp op = SqlOp::kConst;
  // kIn: NOT IN. kContains/kStartsWith/kEndsWith: the NOT form.
  bool negated = false;
  // kConst: the value; for a string literal kind is kString and the bytes are in `text`.
  Value constant;
  // kConst string literal, or the search string of kContains/kStartsWith/kEndsWith.
  std::string text;
  int32_t slot = -1;                 // kProperty
  std::vector<int32_t> args;         // operands, evaluated left to right
  std::vector<std::string> in_list;  // kIn: sorted, duplicates removed
  int32_t depth = 1;                 // 1 + the deepest operand's depth
};

struct SqlExpression {
  std::string source;                    // the expression text as given
  std::vector<SqlNode> nodes;            // operands precede the nodes using them
  int32_t root = -1;                     // index of the whole expression
  std::vector<std::string> identifiers;  // property names, sorted; slot i <-> identifiers[i]
};

}  // namespace tern::filter
