// Early-return helpers for absl::Status, which Abseil 20220623 does not ship.
#ifndef LEDGER_TLOG_STATUS_MACROS_H_
#define LEDGER_TLOG_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define UURO_CONCAT_INNER_(a, b) a##b
#define UURO_CONCAT_(a, b) UURO_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define UURO_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::absl::Status uuro_status_ = (expr);        \
    if (!uuro_status_.ok()) return uuro_status_; \
  } while (false)

// `lhs` = the value of the StatusOr `expr`, or returns its status.
// `lhs` may declare a variable: UURO_ASSIGN_OR_RETURN(auto x, Make());
#define UURO_ASSIGN_OR_RETURN(lhs, expr) \
  UURO_ASSIGN_OR_RETURN_IMPL_(UURO_CONCAT_(uuro_statusor_, __LINE__), lhs, expr)

#define UURO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = std::move(tmp).value()

#endif  // LEDGER_TLOG_STATUS_MACROS_H_
