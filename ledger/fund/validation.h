// Step 7 of docs/fund-rules.md: payload fields checked on their own, before
// any state is read. Every failure is INVALID_ARGUMENT naming the field.
#ifndef LEDGER_FUND_VALIDATION_H_
#define LEDGER_FUND_VALIDATION_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::fund {

inline constexpr size_t kMaxOriginSize = 255;
inline constexpr size_t kMaxFundNameSize = 120;
inline constexpr size_t kMaxCurrencyNameSize = 32;
inline constexpr size_t kMaxDistrictSize = 32;
inline constexpr size_t kMaxTitleSize = 120;
inline constexpr size_t kMaxSummarySize = 2000;
inline constexpr size_t kMaxLinks = 5;
inline constexpr size_t kMaxLinkSize = 500;
inline constexpr size_t kMaxReasonSize = 500;
inline constexpr size_t kMaxPaymentReferenceSize = 140;
inline constexpr size_t kMaxReportSize = 10000;
inline constexpr uint64_t kMaxAllowance = 1'000'000'000'000;
inline constexpr size_t kMaxDistrictsPerTx = 50;
inline constexpr size_t kMaxDistricts = 1000;
// Invites per IssueInvites (34 bytes each keeps a full one well under the
// envelope limit), and how long an invite may stay claimable.
inline constexpr size_t kMaxInvitesPerTx = 1000;
inline constexpr uint64_t kMaxInviteLifetimeMs = 400ull * 24 * 60 * 60 * 1000;
// The rules' format (Genesis.format_version). 2: credits keep their round,
// districts are defined on the log, council quorum, reason codes.
inline constexpr uint32_t kFormatVersion = 2;
// The latest expiry a transaction may name: 24 hours after the time it is
// sequenced at. A refused transaction can then be replayed for a day at most,
// not for ever; an expiry exactly this far ahead is accepted.
inline constexpr uint64_t kMaxExpiryAheadMs = 24ull * 60 * 60 * 1000;

// The payload's fields on their own (step 7).
absl::Status ValidatePayload(const v1::TxBody& body);

// An origin: 1 to kMaxOriginSize bytes of UTF-8 without spaces or controls.
absl::Status ValidateOrigin(const std::string& origin);

// a + b and a * b, or nullopt if the result does not fit 64 bits.
std::optional<uint64_t> CheckedAdd(uint64_t a, uint64_t b);
std::optional<uint64_t> CheckedMul(uint64_t a, uint64_t b);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_VALIDATION_H_
