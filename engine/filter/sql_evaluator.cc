#include "engine/filter/sql_evaluator.h"

#include <algorithm>
#include <array>
#include <vector>

#include "engine/base/check.h"
#include "engine/properties.h"

namespace tern::filter {
namespace {

class Evaluator {
 public:
  Evaluator(const SqlExpression& expr, std::span<const std::optional<std::string_view>> slots)
      : expr_(expr), slots_(slots) {}

  Value Eval(int32_t index) const {
    const SqlNode& n = expr_.nodes[static_cast<size_t>(index)];
    switch (n.op) {
      case SqlOp::kConst:
        return n.constant.kind == ValueKind::kString ? Value::String(n.text) : n.constant;
      case SqlOp::kProperty: {
        const std::optional<std::string_view>& v = slots_[static_cast<size_t>(n.slot)];
        return v ? Value::String(*v) : Value::Null();
      }
      case SqlOp::kNegate:
        return Negate(Eval(n.args[0]));
      case SqlOp::kNot: {
        const Value v = Eval(n.args[0]);
        if (v.is_error() || v.is_null()) return v;
        if (v.kind != ValueKind::kBool) return Value::Error();  // Java's (Boolean) cast
        return Value::Bool(!v.b);
      }
      case SqlOp::kBoolCast: {
        const Value v = Eval(n.args[0]);
        if (v.is_error() || v.is_null()) return v;
        return Value::Bool(v.is_true());
      }
      case SqlOp::kAnd:
        return Logic(n, /*stop_at=*/false);
      case SqlOp::kOr:
        return Logic(n, /*stop_at=*/true);
      case SqlOp::kEqual:
        return Equal(n);
      case SqlOp::kGt:
      case SqlOp::kGe:
      case SqlOp::kLt:
      case SqlOp::kLe:
        return Ordering(n);
      case SqlOp::kIn: {
        const Value v = Eval(n.args[0]);
        if (v.is_error() || v.is_null()) return v;
        if (v.kind != ValueKind::kString) return Value::Null();
        const bool found = std::binary_search(
            n.in_list.begin(), n.in_list.end(), v.s,
            [](const auto& a, const auto& b) { return std::string_view(a) < std::string_view(b); });
        return Value::Bool(found != n.negated);
      }
      case SqlOp::kContains:
      case SqlOp::kStartsWith:
      case SqlOp::kEndsWith: {
        // RocketMQ 5: an empty search string is FALSE before the operand is looked at; a
        // missing or non-string operand is FALSE for both forms.
        if (n.text.empty()) return Value::Bool(false);
        const Value v = Eval(n.args[0]);
        if (v.is_error()) return v;
        if (v.kind != ValueKind::kString) return Value::Bool(false);
        bool hit = false;
        if (n.op == SqlOp::kContains) {
          hit = v.s.find(n.text) != std::string_view::npos;
        } else if (n.op == SqlOp::kStartsWith) {
          hit = v.s.starts_with(n.text);
        } else {
          hit = v.s.ends_with(n.text);
        }
        return Value::Bool(hit != n.negated);
      }
    }
    return Value::Error();
  }

 private:
  static Value Negate(const Value& v) {
    switch (v.kind) {
      case ValueKind::kError:
        return v;
      case ValueKind::kInt:
        // Java int arithmetic wraps: -MIN_VALUE == MIN_VALUE.
        return Value::Int(static_cast<int32_t>(0u - static_cast<uint32_t>(v.i)));
      case ValueKind::kLong:
        return Value::Long(static_cast<int64_t>(0ull - static_cast<uint64_t>(v.i)));
      case ValueKind::kDouble:
        return Value::Double(-v.d);
      default:
        return Value::Null();  // not a Number
    }
  }

  // AND (stop_at false) / OR (stop_at true): the first operand equal to stop_at decides;
  // otherwise null if any operand was null.
  Value Logic(const SqlNode& n, bool stop_at) const {
    bool saw_null = false;
    for (int32_t a : n.args) {
      const Value v = Eval(a);
      if (v.is_error()) return v;
      if (v.is_null()) {
        saw_null = true;
        continue;
      }
      if (v.kind != ValueKind::kBool) return Value::Error();  // Java's (Boolean) cast
      if (v.b == stop_at) return Value::Bool(stop_at);
    }
    return saw_null ? Value::Null() : Value::Bool(!stop_at);
  }

  // Java's equality: both sides evaluated; null on the left only is null, on the right only
  // FALSE; both null is TRUE (that is IS NULL).
  Value Equal(const SqlNode& n) const {
    const Value l = Eval(n.args[0]);
    if (l.is_error()) return l;
    const Value r = Eval(n.args[1]);
    if (r.is_error()) return r;
    if (l.is_null() != r.is_null()) return l.is_null() ? Value::Null() : Value::Bool(false);
    if (l.is_null()) return Value::Bool(true);
    std::optional<int> c = JavaCompare(l, r);
    if (!c) return Value::Error();
    return Value::Bool(*c == 0);
  }

  // > >= < <=: a null left side skips the right one.
  Value Ordering(const SqlNode& n) const {
    const Value l = Eval(n.args[0]);
    if (l.is_error() || l.is_null()) return l;
    const Value r = Eval(n.args[1]);
    if (r.is_error() || r.is_null()) return r;
    std::optional<int> c;
    if (l.kind == ValueKind::kString && r.kind == ValueKind::kString) {
      // Two Strings are compared as doubles, or not at all.
      std::optional<double> x = ParseJavaDouble(l.s);
      std::optional<double> y = ParseJavaDouble(r.s);
      if (!x || !y) return Value::Error();
      c = JavaDoubleCompare(*x, *y);
    } else {
      c = JavaCompare(l, r);
    }
    if (!c) return Value::Error();
    switch (n.op) {
      case SqlOp::kGt:
        return Value::Bool(*c > 0);
      case SqlOp::kGe:
        return Value::Bool(*c >= 0);
      case SqlOp::kLt:
        return Value::Bool(*c < 0);
      default:
        return Value::Bool(*c <= 0);
    }
  }

  const SqlExpression& expr_;
  const std::span<const std::optional<std::string_view>> slots_;
};

// Java's broker decoder splits a pair on \x01 and keeps it only when that gives exactly a name
// and a value (String.split drops trailing empty parts, so trailing \x01s are ignored).
std::optional<std::string_view> JavaPairValue(std::string_view value) {
  while (!value.empty() && value.back() == engine::kNameValueSeparator) value.remove_suffix(1);
  if (value.empty() || value.find(engine::kNameValueSeparator) != std::string_view::npos) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Value Evaluate(const SqlExpression& expr, std::span<const std::optional<std::string_view>> slots) {
  TERN_CHECK(slots.size() == expr.identifiers.size());
  TERN_CHECK(expr.root >= 0);
  return Evaluator(expr, slots).Eval(expr.root);
}

Value EvaluateOnProperties(const SqlExpression& expr, std::string_view properties) {
  constexpr size_t kInline = 16;
  std::array<std::optional<std::string_view>, kInline> inline_slots;
  std::vector<std::optional<std::string_view>> heap_slots;
  const size_t n = expr.identifiers.size();
  std::span<std::optional<std::string_view>> slots(inline_slots.data(), std::min(n, kInline));
  if (n > kInline) {
    heap_slots.resize(n);
    slots = heap_slots;
  }
  if (n > 0) {
    const auto& names = expr.identifiers;
    engine::ForEachProperty(properties, [&](std::string_view name, std::string_view value) {
      auto it = std::lower_bound(names.begin(), names.end(), name,
                                 [](const std::string& a, std::string_view b) { return a < b; });
      if (it == names.end() || *it != name) return;
      const size_t slot = static_cast<size_t>(it - names.begin());
      // The last usable pair wins (Java's HashMap).
      if (std::optional<std::string_view> v = JavaPairValue(value)) slots[slot] = v;
    });
  }
  return Evaluate(expr, slots);
}

}  // namespace tern::filter
