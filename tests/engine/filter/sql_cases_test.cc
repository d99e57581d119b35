// The shared case table (tests/testdata/sql92/cases.tsv, checked against Java 4.8.0's filter
// module; see its README): every expression parsed and evaluated on its property map.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "engine/base/strings.h"
#include "engine/filter/sql_evaluator.h"
#include "engine/filter/sql_parser.h"
#include "engine/properties.h"
#include "tests/util/temp_dir.h"

namespace tern::filter {
namespace {

struct Case {
  int line = 0;
  std::string expected;  // TRUE FALSE NULL ERROR PARSE_ERROR
  std::string expression;
  std::map<std::string, std::string> properties;
};

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n == 'f' ? '\f' : n);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<Case> LoadCases() {
  std::ifstream in(testing::TestDataDir() + "/sql92/cases.tsv");
  std::vector<Case> cases;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    size_t pos = 0;
    while (true) {
      const size_t tab = line.find('\t', pos);
      fields.push_back(line.substr(pos, tab == std::string::npos ? tab : tab - pos));
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    Case c;
    c.line = n;
    c.expected = fields[0];
    if (!c.expected.empty() && c.expected.back() == '!') c.expected.pop_back();
    c.expression = fields.size() > 1 ? Unescape(fields[1]) : "";
    for (size_t i = 2; i < fields.size(); ++i) {
      const size_t eq = fields[i].find('=');
      if (eq != std::string::npos && eq > 0) {
        c.properties[fields[i].substr(0, eq)] = Unescape(fields[i].substr(eq + 1));
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string Describe(const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kError:
      return "ERROR";
    case ValueKind::kBool:
      return v.b ? "TRUE" : "FALSE";
    default:
      return "non-boolean";
  }
}

TEST(SqlCases, EveryCaseOfTheTableGivesItsExpectedResult) {
  const std::vector<Case> cases = LoadCases();
  ASSERT_GT(cases.size(), 250u) << "cases.tsv not found under " << testing::TestDataDir();
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "cases.tsv:" << c.line << ": " << c.expression);
    absl::StatusOr<SqlExpression> e = ParseSql(c.expression);
    if (c.expected == "PARSE_ERROR") {
      ASSERT_FALSE(e.ok());
      EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(MessageOf(e.status()).find("SQL92 expression: "), std::string_view::npos);
      EXPECT_NE(MessageOf(e.status()).find("line "), std::string_view::npos)
          << MessageOf(e.status());
      continue;
    }
    ASSERT_TRUE(e.ok()) << MessageOf(e.status());
    // Through slots bound from the map...
    std::vector<std::optional<std::string_view>> slots;
    for (const std::string& name : e->identifiers) {
      auto it = c.properties.find(name);
      slots.push_back(it == c.properties.end() ? std::nullopt
                                               : std::optional<std::string_view>(it->second));
    }
    EXPECT_EQ(Describe(Evaluate(*e, slots)), c.expected);
    // ...and through a stored properties string with unrelated properties around.
    std::string props;
    engine::AppendProperty(&props, "UNIQ_KEY", "7F0000010001");
    for (const auto& [k, v] : c.properties) engine::AppendProperty(&props, k, v);
    engine::AppendProperty(&props, "WAIT", "true");
    EXPECT_EQ(Describe(EvaluateOnProperties(*e, props)), c.expected);
    EXPECT_EQ(MatchesProperties(*e, props), c.expected == "TRUE");
  }
}

}  // namespace
}  // namespace tern::filter
