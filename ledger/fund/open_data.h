// Everything a municipality publishes about a round, read from the records
// the rules keep. uurod serves it (Audit.ExportRound) and `uuro audit
// check-export` builds it again from its own replay of the log, so both sides
// of a published file come from this one function.
#ifndef LEDGER_FUND_OPEN_DATA_H_
#define LEDGER_FUND_OPEN_DATA_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ledger/fund/state_view.h"
#include "uuro/v1/audit.pb.h"

namespace uuro::fund {

// The export of round `round_id` (0: the latest) from `state`, without its
// checkpoint, which the caller knows. Small districts are merged as in the
// totals; residents appear only as hashes of their keys. NOT_FOUND for an
// unknown round.
absl::StatusOr<v1::RoundExport> BuildRoundExport(const StateReader& state,
                                                 uint64_t round_id);

// SHA-256("uuro/v1 voter\n" || origin || key): how a resident appears in
// the pabulib votes, stable across exports of one fund, never the key.
Hash VoterHash(const std::string& origin, const std::string& key);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_OPEN_DATA_H_
