#include "engine/filter/sql_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "engine/base/status.h"
#include "engine/filter/sql_lexer.h"

namespace tern::filter {
namespace {

using Index = int32_t;

// Java's Double.toString is not worth reproducing; messages show the source text instead.
class Parser {
 public:
  Parser(std::string_view input, std::vector<Token> tokens)
      : input_(input), tokens_(std::move(tokens)) {}

  absl::StatusOr<SqlExpression> Run() {
    TERN_ASSIGN_OR_RETURN(Index top, Or());
    const Token& t = Peek();
    if (t.kind != TokenKind::kEnd && !(t.kind == TokenKind::kMinus && t.trailing_comment)) {
      return Error(t.offset,
                   fmt::format("unexpected {} after a complete expression", DescribeToken(t)));
    }
    TERN_ASSIGN_OR_RETURN(Index root, AsCondition(top));
    out_.root = root;
    out_.source = std::string(input_);
    AssignSlots();
    return std::move(out_);
  }

 private:
  struct Span {
    size_t begin = 0;
    size_t end = 0;
  };

  // ---- tokens ----
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool PeekIs(TokenKind k, size_t ahead = 0) const { return Peek(ahead).kind == k; }
  // CONTAINS / STARTSWITH / ENDSWITH (identifier tokens used as operators).
  std::optional<SqlOp> StringOpAt(size_t ahead) const {
    const Token& t = Peek(ahead);
    if (t.kind != TokenKind::kId) return std::nullopt;
    if (EqualsIgnoreCase(t.text, "CONTAINS")) return SqlOp::kContains;
    if (EqualsIgnoreCase(t.text, "STARTSWITH")) return SqlOp::kStartsWith;
    if (EqualsIgnoreCase(t.text, "ENDSWITH")) return SqlOp::kEndsWith;
    return std::nullopt;
  }

  absl::Status Error(size_t offset, std::string_view what) const {
    return absl::InvalidArgumentError(
        fmt::format("SQL92 expression: {} at {}", what, DescribePosition(input_, offset)));
  }
  absl::Status Expect(TokenKind k, std::string_view what) {
    if (!PeekIs(k)) {
      return Error(Peek().offset,
                   fmt::format("expected {}, found {}", what, DescribeToken(Peek())));
    }
    Take();
    return absl::OkStatus();
  }
  std::string Text(Index i) const {
    const Span s = spans_[static_cast<size_t>(i)];
    std::string_view t = input_.substr(s.begin, s.end - s.begin);
    if (t.size() > 40) return fmt::format("'{}...'", t.substr(0, 40));
    return fmt::format("'{}'", t);
  }

  // ---- nodes ----
  const SqlNode& At(Index i) const { return out_.nodes[static_cast<size_t>(i)]; }

  absl::StatusOr<Index> Add(SqlNode n, Span span) {
    for (Index a : n.args) n.depth = std::max(n.depth, At(a).depth + 1);
    if (n.depth > kMaxSqlDepth) {
      return Error(span.begin,
                   fmt::format("expression nested deeper than {} levels", kMaxSqlDepth));
    }
    out_.nodes.push_back(std::move(n));
    spans_.push_back(span);
    return static_cast<Index>(out_.nodes.size() - 1);
  }
  absl::StatusOr<Index> AddOp(SqlOp op, std::vector<Index> args, size_t begin, size_t end) {
    SqlNode n;
    n.op = op;
    n.args = std::move(args);
    return Add(std::move(n), Span{begin, end});
  }
  Span SpanOf(Index i) const { return spans_[static_cast<size_t>(i)]; }
  Span Join(Index a, Index b) const { return Span{SpanOf(a).begin, SpanOf(b).end}; }

  // Java's classes: ConstantExpression, BooleanConstantExpression, PropertyExpression,
  // BooleanExpression.
  bool IsConstant(Index i) const { return At(i).op == SqlOp::kConst; }
  bool IsNullConstant(Index i) const { return IsConstant(i) && At(i).constant.is_null(); }
  bool IsBooleanConstant(Index i) const {
    return IsConstant(i) && (At(i).constant.kind == ValueKind::kBool || At(i).constant.is_null());
  }
  bool IsProperty(Index i) const { return At(i).op == SqlOp::kProperty; }
  bool IsCondition(Index i) const {
    const SqlOp op = At(i).op;
    if (op == SqlOp::kConst) return IsBooleanConstant(i);
    return op != SqlOp::kProperty && op != SqlOp::kNegate;
  }

  // asBooleanExpression: conditions pass, a property becomes a boolean cast.
  absl::StatusOr<Index> AsCondition(Index i) {
    if (IsCondition(i)) return i;
    if (IsProperty(i)) return AddOp(SqlOp::kBoolCast, {i}, SpanOf(i).begin, SpanOf(i).end);
    return Error(SpanOf(i).begin, fmt::format("{} is not a condition", Text(i)));
  }

  // AND / OR: appends to a chain of the same operator (associative, same result in Java).
  absl::StatusOr<Index> Logic(SqlOp op, Index left, Index right) {
    TERN_ASSIGN_OR_RETURN(left, AsCondition(left));
    TERN_ASSIGN_OR_RETURN(right, AsCondition(right));
    if (At(left).op == op) {
      SqlNode& n = out_.nodes[static_cast<size_t>(left)];
      n.args.push_back(right);
      n.depth = std::max(n.depth, At(right).depth + 1);
      if (n.depth > kMaxSqlDepth) {
        return Error(SpanOf(right).begin,
                     fmt::format("expression nested deeper than {} levels", kMaxSqlDepth));
      }
      spans_[static_cast<size_t>(left)].end = SpanOf(right).end;
      return left;
    }
    return AddOp(op, {left, right}, SpanOf(left).begin, SpanOf(right).end);
  }

  absl::StatusOr<Index> Not(Index operand, size_t begin) {
    return AddOp(SqlOp::kNot, {operand}, begin, SpanOf(operand).end);
  }

  // checkEqualOperand / checkEqualOperandCompatability, then '='.
  absl::StatusOr<Index> Equal(Index l, Index r) {
    for (Index x : {l, r}) {
      if (IsNullConstant(x)) return Error(SpanOf(x).begin, "NULL cannot be compared with '='");
    }
    if (IsConstant(l) && IsConstant(r) && IsBooleanConstant(l) && !IsBooleanConstant(r)) {
      return Error(SpanOf(l).begin, fmt::format("{} cannot be compared with {}", Text(l), Text(r)));
    }
    return AddOp(SqlOp::kEqual, {l, r}, SpanOf(l).begin, SpanOf(r).end);
  }

  absl::StatusOr<Index> IsNull(Index l, size_t end) {
    SqlNode null_const;
    TERN_ASSIGN_OR_RETURN(Index n, Add(std::move(null_const), Span{SpanOf(l).end, end}));
    return AddOp(SqlOp::kEqual, {l, n}, SpanOf(l).begin, end);
  }

  // checkLessThanOperand, then the comparison.
  absl::StatusOr<Index> Ordering(SqlOp op, Index l, Index r) {
    for (Index x : {l, r}) {
      if (IsConstant(x) ? !At(x).constant.is_number() : IsCondition(x)) {
        return Error(SpanOf(x).begin, fmt::format("{} cannot be compared with '>', '>=', '<', "
                                                  "'<=' or BETWEEN (numbers only)",
                                                  Text(x)));
      }
    }
    return AddOp(op, {l, r}, SpanOf(l).begin, SpanOf(r).end);
  }

  absl::StatusOr<Index> Between(Index v, Index low, Index high, bool negated) {
    if (!negated && IsConstant(low) && IsConstant(high)) {
      const Value& lo = At(low).constant;
      const Value& hi = At(high).constant;
      if (lo.is_null() || hi.is_null()) {
        return Error(SpanOf(low).begin, "BETWEEN bounds cannot be NULL");
      }
      const Value lv = ConstantValue(low);
      const Value hv = ConstantValue(high);
      std::optional<int> c = JavaCompare(hv, lv);
      if (!c || *c < 0) {
        return Error(SpanOf(low).begin, fmt::format("BETWEEN needs low <= high, got {} and {}",
                                                    Text(low), Text(high)));
      }
    }
    TERN_ASSIGN_OR_RETURN(Index a, Ordering(negated ? SqlOp::kLt : SqlOp::kGe, v, low));
    TERN_ASSIGN_OR_RETURN(Index b, Ordering(negated ? SqlOp::kGt : SqlOp::kLe, v, high));
    return AddOp(negated ? SqlOp::kOr : SqlOp::kAnd, {a, b}, SpanOf(v).begin, SpanOf(high).end);
  }

  Value ConstantValue(Index i) const {
    const SqlNode& n = At(i);
    return n.constant.kind == ValueKind::kString ? Value::String(n.text) : n.constant;
  }

  // ---- grammar ----
  absl::StatusOr<Index> Or() {
    TERN_ASSIGN_OR_RETURN(Index left, And());
    while (PeekIs(TokenKind::kOr)) {
      Take();
      TERN_ASSIGN_OR_RETURN(Index right, And());
      TERN_ASSIGN_OR_RETURN(left, Logic(SqlOp::kOr, left, right));
    }
    return left;
  }

  absl::StatusOr<Index> And() {
    TERN_ASSIGN_OR_RETURN(Index left, Equality());
    while (PeekIs(TokenKind::kAnd)) {
      Take();
      TERN_ASSIGN_OR_RETURN(Index right, Equality());
      TERN_ASSIGN_OR_RETURN(left, Logic(SqlOp::kAnd, left, right));
    }
    return left;
  }

  absl::StatusOr<Index> Equality() {
    TERN_ASSIGN_OR_RETURN(Index left, Comparison());
    while (true) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kEq || t.kind == TokenKind::kNe) {
        const bool ne = t.kind == TokenKind::kNe;
        const size_t begin = SpanOf(left).begin;
        Take();
        TERN_ASSIGN_OR_RETURN(Index right, Comparison());
        TERN_ASSIGN_OR_RETURN(left, Equal(left, right));
        if (ne) {
          TERN_ASSIGN_OR_RETURN(left, Not(left, begin));
        }
      } else if (t.kind == TokenKind::kIs) {
        const size_t begin = SpanOf(left).begin;
        Take();
        bool negated = false;
        if (PeekIs(TokenKind::kNot)) {
          Take();
          negated = true;
        }
        const size_t end = Peek().offset + Peek().text.size();
        TERN_RETURN_IF_ERROR(
            Expect(TokenKind::kNull, negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS"));
        TERN_ASSIGN_OR_RETURN(left, IsNull(left, end));
        if (negated) {
          TERN_ASSIGN_OR_RETURN(left, Not(left, begin));
        }
      } else {
        return left;
      }
    }
  }

  absl::StatusOr<Index> Comparison() {
    TERN_ASSIGN_OR_RETURN(Index left, Unary());
    while (true) {
      const TokenKind k = Peek().kind;
      const bool not_form =
          k == TokenKind::kNot && (PeekIs(TokenKind::kBetween, 1) || PeekIs(TokenKind::kIn, 1) ||
                                   StringOpAt(1).has_value());
      if (not_form) Take();
      const TokenKind op = Peek().kind;
      if (!not_form && (op == TokenKind::kGt || op == TokenKind::kGe || op == TokenKind::kLt ||
                        op == TokenKind::kLe)) {
        Take();
        TERN_ASSIGN_OR_RETURN(Index right, Unary());
        const SqlOp sop = op == TokenKind::kGt   ? SqlOp::kGt
                          : op == TokenKind::kGe ? SqlOp::kGe
                          : op == TokenKind::kLt ? SqlOp::kLt
                                                 : SqlOp::kLe;
        TERN_ASSIGN_OR_RETURN(left, Ordering(sop, left, right));
      } else if (op == TokenKind::kBetween) {
        Take();
        TERN_ASSIGN_OR_RETURN(Index low, Unary());
        TERN_RETURN_IF_ERROR(Expect(TokenKind::kAnd, "AND between the BETWEEN bounds"));
        TERN_ASSIGN_OR_RETURN(Index high, Unary());
        TERN_ASSIGN_OR_RETURN(left, Between(left, low, high, not_form));
      } else if (op == TokenKind::kIn) {
        Take();
        TERN_ASSIGN_OR_RETURN(left, In(left, not_form));
      } else if (std::optional<SqlOp> sop = StringOpAt(0)) {
        Take();
        if (!PeekIs(TokenKind::kString)) {
          return Error(Peek().offset,
                       fmt::format("expected a string literal, found {}", DescribeToken(Peek())));
        }
        const Token& s = Take();
        SqlNode n;
        n.op = *sop;
        n.negated = not_form;
        n.text = DecodeStringLiteral(s.text);
        n.args = {left};
        TERN_ASSIGN_OR_RETURN(
            left, Add(std::move(n), Span{SpanOf(left).begin, s.offset + s.text.size()}));
      } else {
        return left;
      }
    }
  }

  absl::StatusOr<Index> In(Index left, bool negated) {
    if (!IsProperty(left)) {
      return Error(SpanOf(left).begin,
                   fmt::format("IN applies to a property, not to {}", Text(left)));
    }
    TERN_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "'(' after IN"));
    SqlNode n;
    n.op = SqlOp::kIn;
    n.negated = negated;
    n.args = {left};
    while (true) {
      if (!PeekIs(TokenKind::kString)) {
        return Error(Peek().offset,
                     fmt::format("IN lists string literals only, found {}", DescribeToken(Peek())));
      }
      n.in_list.push_back(DecodeStringLiteral(Take().text));
      if (PeekIs(TokenKind::kComma)) {
        Take();
        continue;
      }
      break;
    }
    const size_t end = Peek().offset + 1;
    TERN_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "',' or ')' in the IN list"));
    std::sort(n.in_list.begin(), n.in_list.end());
    n.in_list.erase(std::unique(n.in_list.begin(), n.in_list.end()), n.in_list.end());
    return Add(std::move(n), Span{SpanOf(left).begin, end});
  }

  absl::StatusOr<Index> Unary() {
    if (++nesting_ > kMaxSqlDepth) {
      return Error(Peek().offset,
                   fmt::format("expression nested deeper than {} levels", kMaxSqlDepth));
    }
    absl::StatusOr<Index> r = UnaryBody();
    --nesting_;
    return r;
  }

  absl::StatusOr<Index> UnaryBody() {
    const Token& t = Peek();
    const size_t begin = t.offset;
    switch (t.kind) {
      case TokenKind::kPlus:
        Take();
        return Unary();
      case TokenKind::kMinus: {
        Take();
        TERN_ASSIGN_OR_RETURN(Index x, Unary());
        return AddOp(SqlOp::kNegate, {x}, begin, SpanOf(x).end);
      }
      case TokenKind::kNot: {
        Take();
        TERN_ASSIGN_OR_RETURN(Index x, Unary());
        TERN_ASSIGN_OR_RETURN(x, AsCondition(x));
        return Not(x, begin);
      }
      default:
        return Primary();
    }
  }

  absl::StatusOr<Index> Primary() {
    const Token& t = Peek();
    const Span span{t.offset, t.offset + t.text.size()};
    SqlNode n;
    switch (t.kind) {
      case TokenKind::kString:
        n.constant = Value::String({});
        n.text = DecodeStringLiteral(t.text);
        break;
      case TokenKind::kDecimal: {
        std::string_view digits = t.text;
        if (digits.back() == 'l' || digits.back() == 'L') digits.remove_suffix(1);
        std::optional<int64_t> v = ParseJavaLong(digits);
        if (!v) return Error(t.offset, fmt::format("{} does not fit a long", DescribeToken(t)));
        n.constant =
            (*v >= std::numeric_limits<int32_t>::min() && *v <= std::numeric_limits<int32_t>::max())
                ? Value::Int(static_cast<int32_t>(*v))
                : Value::Long(*v);
        break;
      }
      case TokenKind::kFloat: {
        std::optional<double> v = ParseJavaDouble(t.text);
        if (!v || std::isinf(*v)) {
          return Error(t.offset,
                       fmt::format("{} is greater than the largest double", DescribeToken(t)));
        }
        if (*v < std::numeric_limits<double>::denorm_min()) {
          return Error(t.offset, fmt::format("{} is less than the smallest positive double "
                                             "(Java rejects zero float literals)",
                                             DescribeToken(t)));
        }
        n.constant = Value::Double(*v);
        break;
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        n.constant = Value::Bool(t.kind == TokenKind::kTrue);
        break;
      case TokenKind::kNull:
        break;
      case TokenKind::kId: {
        n.op = SqlOp::kProperty;
        auto [it, inserted] =
            slots_.emplace(std::string(t.text), static_cast<int32_t>(slots_.size()));
        n.slot = it->second;
        break;
      }
      case TokenKind::kLParen: {
        Take();
        TERN_ASSIGN_OR_RETURN(Index x, Or());
        TERN_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
        return x;
      }
      default:
        return Error(t.offset, fmt::format("expected an operand, found {}", DescribeToken(t)));
    }
    Take();
    return Add(std::move(n), span);
  }

  // Slots in identifier order (the evaluator binary-searches the sorted names).
  void AssignSlots() {
    std::vector<int32_t> remap(slots_.size());
    int32_t next = 0;
    for (auto& [name, slot] : slots_) {  // std::map iterates sorted
      remap[static_cast<size_t>(slot)] = next++;
      out_.identifiers.push_back(name);
    }
    for (SqlNode& n : out_.nodes) {
      if (n.op == SqlOp::kProperty) n.slot = remap[static_cast<size_t>(n.slot)];
    }
  }

  const std::string_view input_;
  const std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;
  SqlExpression out_;
  std::vector<Span> spans_;
  std::map<std::string, int32_t> slots_;
};

}  // namespace

absl::StatusOr<SqlExpression> ParseSql(std::string_view text) {
  if (text.size() > kMaxSqlLength) {
    return absl::InvalidArgumentError(fmt::format(
        "SQL92 expression: {} bytes, longer than the limit of {}", text.size(), kMaxSqlLength));
  }
  TERN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  return Parser(text, std::move(tokens)).Run();
}

}  // namespace tern::filter
