// sql_message_filter.h: the store-side filter of an SQL92 subscription (RocketMQ's
// ExpressionMessageFilter for expression type SQL92).
//
// Tag codes say nothing about properties, so every ConsumeQueue unit passes the first stage;
// the record's properties decide (sql_evaluator.h). Holds a shared, immutable compiled
// expression: cheap to create per pull, thread-safe, and the expression outlives the filter.
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "engine/filter/sql_evaluator.h"
#include "engine/filter/sql_expression.h"
#include "engine/message_filter.h"

namespace tern::filter {

class SqlMessageFilter final : public engine::MessageFilter {
 public:
  explicit SqlMessageFilter(std::shared_ptr<const SqlExpression> expr) : expr_(std::move(expr)) {}

  bool MatchByTagsCode(int64_t) const override { return true; }
  bool MatchByRecord(const engine::RecordView& record) const override {
    return MatchByProperties(record.properties);
  }
  bool MatchByProperties(std::string_view properties) const override {
    return MatchesProperties(*expr_, properties);
  }
  const SqlExpression& expression() const { return *expr_; }

 private:
  std::shared_ptr<const SqlExpression> expr_;
};

}  // namespace tern::filter
