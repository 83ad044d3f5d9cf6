#include "clients/uuro/describe.h"

#include "absl/strings/str_cat.h"

namespace uuro::cli {

std::string PayloadName(const v1::TxBody& body) {
  const auto* field = body.GetDescriptor()->FindFieldByNumber(
      static_cast<int>(body.payload_case()));
  return field ? field->name() : "unknown";
}

std::string DescribeEntry(const std::string& entry_bytes) {
  v1::LogEntry entry;
  v1::Envelope envelope;
  v1::TxBody body;
  if (!entry.ParseFromString(entry_bytes) ||
      !envelope.ParseFromString(entry.envelope()) ||
      !body.ParseFromString(envelope.body())) {
    return "(an entry that does not decode)";
  }
  switch (body.payload_case()) {
    case v1::TxBody::kAward:
      return absl::StrCat("award ", body.award().amount(), " to initiative ",
                          body.award().initiative_id(), " in round ",
                          body.award().round_id());
    case v1::TxBody::kWithdrawAward:
      return absl::StrCat("withdraw ", body.withdraw_award().amount(),
                          " from initiative ",
                          body.withdraw_award().initiative_id(), " in round ",
                          body.withdraw_award().round_id());
    case v1::TxBody::kProposeInitiative:
      return absl::StrCat("propose \"", body.propose_initiative().title(),
                          "\"");
    case v1::TxBody::kRequestRedemption:
      return absl::StrCat("redeem ", body.request_redemption().amount(),
                          " from initiative ",
                          body.request_redemption().initiative_id());
    case v1::TxBody::kEnrollResident:
      return absl::StrCat("enroll a resident in ",
                          body.enroll_resident().district());
    case v1::TxBody::kIssueInvites:
      return absl::StrCat("issue ", body.issue_invites().code_hashes_size(),
                          " invites for ", body.issue_invites().district());
    case v1::TxBody::kClaimInvite:
      return "claim an invite";
    case v1::TxBody::kTransferCredits:
      return absl::StrCat(
          "pass ", body.transfer_credits().amount(), " from initiative ",
          body.transfer_credits().from_initiative_id(), " to initiative ",
          body.transfer_credits().to_initiative_id());
    case v1::TxBody::kProposeEarlyClose:
      return absl::StrCat("propose to close round ",
                          body.propose_early_close().round_id(), " early");
    case v1::TxBody::kApproveProposal:
      return absl::StrCat("approve proposal ",
                          body.approve_proposal().proposal_id());
    default:
      return PayloadName(body);
  }
}

}  // namespace uuro::cli
