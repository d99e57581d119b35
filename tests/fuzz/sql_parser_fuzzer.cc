// Fuzzes the SQL92 filter: input = expression, optionally "\0" and a properties string.
// Parsing either fails with InvalidArgument or gives a tree within the depth limit whose
// evaluation terminates; evaluating through slots and through the properties string agree,
// and the result is one of the three-valued outcomes (or Java's error).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/check.h"
#include "engine/filter/sql_evaluator.h"
#include "engine/filter/sql_parser.h"
#include "engine/properties.h"

namespace {

bool IsOutcome(const tern::filter::Value& v) {
  using tern::filter::ValueKind;
  return v.kind == ValueKind::kBool || v.kind == ValueKind::kNull || v.kind == ValueKind::kError;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tern::filter;  // NOLINT(google-build-using-namespace)
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t split = in.find('\0');
  const std::string_view text = in.substr(0, split);
  const std::string_view props = split == std::string_view::npos ? "" : in.substr(split + 1);
  absl::StatusOr<SqlExpression> e = ParseSql(text);
  if (!e.ok()) {
    TERN_CHECK(e.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  TERN_CHECK(e->root >= 0 && static_cast<size_t>(e->root) < e->nodes.size());
  for (const SqlNode& n : e->nodes) TERN_CHECK(n.depth <= kMaxSqlDepth);
  TERN_CHECK(IsOutcome(EvaluateOnProperties(*e, props)));
  // The same values bound through slots give the same outcome.
  std::vector<std::optional<std::string_view>> slots(e->identifiers.size());
  std::string encoded;
  for (const char* v : {"1", "-2.5e3", "x", "TRUE", "NaN", "2147483648"}) {
    encoded.clear();
    for (size_t i = 0; i < slots.size(); ++i) {
      slots[i] = (i % 3 == 2) ? std::nullopt : std::optional<std::string_view>(v);
      if (slots[i]) tern::engine::AppendProperty(&encoded, e->identifiers[i], v);
    }
    const Value a = Evaluate(*e, slots);
    const Value b = EvaluateOnProperties(*e, encoded);
    TERN_CHECK(IsOutcome(a));
    TERN_CHECK(a.kind == b.kind && a.b == b.b);
  }
  return 0;
}
