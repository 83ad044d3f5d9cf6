// What the page says after a transaction: what happened, and whether its
// receipt verified here, with a link to the proof.
import { html } from "lit";
import type { Flash } from "../app";
import { t } from "../i18n";
import type { Submitted } from "../keys/sign";

export function receiptFlash(done: Submitted, what: string, before?: Submitted): Flash {
  const all = before ? [before, done] : [done];
  const ok = all.every((d) => d.verified);
  return {
    kind: ok ? "ok" : "warning",
    text: html`<strong>${what}</strong>
      ${all.map(
        (d) => html`<span class="uuro-receipt-line">${d.verified ? t("receipt.verifiedShort", { index: d.receipt.index }) : t("receipt.notVerifiedShort", { index: d.receipt.index, why: d.problem ?? "" })}
          <a class="utrecht-link" href="#/receipt/${d.receipt.index}">${t("receipt.show")}</a></span>`,
      )}`,
  };
}
