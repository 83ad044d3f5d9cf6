// Proposing initiatives, suspending and reinstating them, and reports.
#include "absl/strings/str_cat.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

absl::Status ProposeInitiative(TxContext& ctx) {
  UURO_ASSIGN_OR_RETURN(v1::ResidentRecord owner, RequireResident(ctx));
  UURO_RETURN_IF_ERROR(RequireDefinedDistrict(
      ctx.fund, ctx.tx.body.propose_initiative().district()));
  v1::InitiativeRecord initiative;
  initiative.set_id(ctx.index);
  initiative.set_owner(owner.id());
  *initiative.mutable_proposal() = ctx.tx.body.propose_initiative();
  initiative.set_status(v1::INITIATIVE_ACTIVE);
  initiative.set_proposed_at_ms(ctx.time_ms);
  WriteRecord(ctx.state, keys::Initiative(ctx.index), initiative);
  ctx.fund.set_initiatives(ctx.fund.initiatives() + 1);
  return absl::OkStatus();
}

absl::Status SetInitiativeStatus(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  bool suspend = ctx.tx.body.has_suspend_initiative();
  uint64_t id = suspend ? ctx.tx.body.suspend_initiative().initiative_id()
                        : ctx.tx.body.reinstate_initiative().initiative_id();
  const std::string& reason = suspend
                                  ? ctx.tx.body.suspend_initiative().reason()
                                  : ctx.tx.body.reinstate_initiative().reason();
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                        ReadInitiative(ctx.state, id));
  v1::InitiativeStatus want =
      suspend ? v1::INITIATIVE_SUSPENDED : v1::INITIATIVE_ACTIVE;
  if (initiative.status() == want) {
    return absl::FailedPreconditionError(
        absl::StrCat("initiative ", id,
                     suspend ? " is already suspended" : " is not suspended"));
  }
  initiative.set_status(want);
  initiative.set_status_reason(reason);
  WriteRecord(ctx.state, keys::Initiative(id), initiative);
  return absl::OkStatus();
}

absl::Status PostReport(TxContext& ctx) {
  const v1::PostReport& post = ctx.tx.body.post_report();
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                        RequireOwnInitiative(ctx, post.initiative_id()));
  v1::ReportRecord report;
  report.set_initiative_id(post.initiative_id());
  report.set_text(post.text());
  report.set_attachments_sha256(post.attachments_sha256());
  report.set_posted_at_ms(ctx.time_ms);
  WriteRecord(ctx.state, keys::Report(post.initiative_id(), ctx.index), report);
  initiative.set_reports(initiative.reports() + 1);
  WriteRecord(ctx.state, keys::Initiative(initiative.id()), initiative);
  return absl::OkStatus();
}

}  // namespace uuro::fund
