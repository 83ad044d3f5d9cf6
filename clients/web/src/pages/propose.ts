// Proposing an initiative in one step: what, where, how many credits.
import { html } from "lit";
import { app, onSubmit } from "../app";
import { t } from "../i18n";
import { submit } from "../keys/sign";
import { keepReceipt } from "../state/receipts";
import { receiptFlash } from "../ui/receipt_flash";
import { alert, field, heading, needKey } from "../ui/parts";

export async function proposePage() {
  if (!app.key) return html`${heading(t("propose.title"))}${needKey()}`;
  if (!app.resident?.resident) return html`${heading(t("propose.title"))}${alert("info", t("me.notEnrolled"))}`;
  const districts = app.trust?.fund.definedDistricts ?? [];
  const propose = onSubmit(async (v) => {
      const links = v.links.split(/\s+/).filter(Boolean);
      const done = await submit(app.trust!, app.key!, {
        case: "proposeInitiative",
        value: { title: v.title.trim(), summary: v.summary.trim(), district: v.district, amountAsked: BigInt(v.asked), links },
      });
      keepReceipt(done.receipt);
      app.go(`#/initiative/${done.receipt.index}`);
      return receiptFlash(done, t("propose.done", { title: v.title.trim() }));
    });
  return html`
    ${heading(t("propose.title"), t("propose.lead"))}
    <form class="uuro-form" @submit=${propose}>
      ${field("p-title", t("propose.name"), html`<input class="utrecht-textbox" id="p-title" name="title" required maxlength="120" />`)}
      ${field("p-summary", t("propose.summary"), html`<textarea class="utrecht-textarea" id="p-summary" name="summary" rows="5" required maxlength="2000"></textarea>`)}
      ${field("p-district", t("propose.district"), html`<select class="utrecht-select" id="p-district" name="district">${districts.map((d) => html`<option value=${d} ?selected=${d === app.resident?.resident?.district}>${d}</option>`)}</select>`)}
      ${field("p-asked", t("propose.asked"), html`<input class="utrecht-textbox uuro-number" id="p-asked" name="asked" type="number" inputmode="numeric" min="1" required aria-describedby="p-asked-desc" />`, t("propose.askedHelp"))}
      ${field("p-links", t("propose.links"), html`<textarea class="utrecht-textarea" id="p-links" name="links" rows="2" aria-describedby="p-links-desc"></textarea>`, t("propose.linksHelp"))}
      <button type="submit" class="utrecht-button utrecht-button--primary-action">${t("propose.submit")}</button>
    </form>`;
}
