// status.h: early-return helpers over absl::Status / absl::StatusOr.
//
// Our Abseil (Debian 20220623) predates absl/status/status_macros.h, so these stand in for
// ABSL_RETURN_IF_ERROR / ABSL_ASSIGN_OR_RETURN. Header-only, no state.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TERN_STATUS_CONCAT_INNER(a, b) a##b
#define TERN_STATUS_CONCAT(a, b) TERN_STATUS_CONCAT_INNER(a, b)

// Evaluates `expr` (an absl::Status); returns it from the enclosing function if not OK.
#define TERN_RETURN_IF_ERROR(expr)                     \
  do {                                                 \
    ::absl::Status tern_status_tmp = (expr);           \
    if (!tern_status_tmp.ok()) return tern_status_tmp; \
  } while (false)

// `lhs` = value of `rexpr` (an absl::StatusOr<T>), or returns its status if not OK.
// `lhs` may be a declaration: TERN_ASSIGN_OR_RETURN(auto file, Open(path));
#define TERN_ASSIGN_OR_RETURN(lhs, rexpr) \
  TERN_ASSIGN_OR_RETURN_IMPL(TERN_STATUS_CONCAT(tern_statusor_, __LINE__), lhs, rexpr)

#define TERN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = *std::move(tmp)
