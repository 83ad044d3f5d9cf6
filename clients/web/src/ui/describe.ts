// A transaction in plain words, for receipts and histories.
import type { TxBody } from "../gen/uuro/v1/transaction_pb";
import { credits, t } from "../i18n";

export function describe(body: TxBody | undefined, title: (id: bigint) => string): string {
  const p = body?.payload;
  switch (p?.case) {
    case "award":
      return t("tx.award", { n: credits(p.value.amount), title: title(p.value.initiativeId) });
    case "withdrawAward":
      return t("tx.withdraw", { n: credits(p.value.amount), title: title(p.value.initiativeId) });
    case "claimInvite":
      return t("tx.claim");
    case "proposeInitiative":
      return t("tx.propose", { title: p.value.title });
    case "requestRedemption":
      return t("tx.redeem", { n: credits(p.value.amount), title: title(p.value.initiativeId) });
    case "postReport":
      return t("tx.report", { title: title(p.value.initiativeId) });
    case "approveRedemption":
      return t("tx.approve", { id: p.value.requestId });
    case "transferCredits":
      return t("tx.transfer", { n: credits(p.value.amount), title: title(p.value.toInitiativeId) });
    case undefined:
      return "—";
    default:
      return p!.case;
  }
}
