// The council's totals, read from the records the rules keep. The server's
// Audit service and the independent verifier both use these, so a replayed
// state and a served state compare field by field.
#ifndef LEDGER_FUND_TOTALS_H_
#define LEDGER_FUND_TOTALS_H_

#include "absl/status/statusor.h"
#include "ledger/fund/state_view.h"
#include "uuro/v1/audit.pb.h"

namespace uuro::fund {

// A round's totals with one line per district (small districts merged, see
// small_districts.h) and per initiative awarded in it; round 0 means the
// latest. NOT_FOUND for an unknown round.
absl::StatusOr<v1::RoundTotals> ReadRoundTotals(const StateReader& state,
                                                uint64_t round_id);

absl::StatusOr<v1::FundTotals> ReadFundTotals(const StateReader& state);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_TOTALS_H_
