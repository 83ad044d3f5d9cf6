// The round's rules as the ledger applies them (ledger/fund/rules_awards.cc).
import type { RoundRecord } from "../gen/uuro/v1/state_pb";

// What one resident may award one initiative: a whole-number share of the
// allowance, rounded down as the ledger does.
export function shareCap(allowance: bigint, percent: number): bigint {
  return (allowance * BigInt(percent)) / 100n;
}

export function roundOpen(round: RoundRecord | undefined, now = Date.now()): boolean {
  if (!round || round.closed || !round.rules) return false;
  return BigInt(now) >= round.rules.opensAtMs && BigInt(now) < round.rules.closesAtMs;
}

// The allowance of a resident of `district` in `round`.
export function allowanceOf(round: RoundRecord, district: string): bigint {
  const d = round.rules?.districtAllowances.find((a) => a.district === district);
  return d ? d.allowance : round.rules?.allowance ?? 0n;
}
