// An initiative owner's page: their initiatives, what each received per round
// and what that is worth in euros, redemptions (settled at once up to the
// round's threshold, otherwise waiting for approval) and reports.
import { html, nothing } from "lit";
import { app, onSubmit } from "../app";
import { audit, ledger } from "../api/client";
import { allInitiatives, allRedemptions, allRounds } from "../api/lists";
import { RedemptionStatus, type InitiativeRecord, type RoundRecord } from "../gen/uuro/v1/state_pb";
import { credits, dateTime, euros, t } from "../i18n";
import { submit } from "../keys/sign";
import { keepReceipt } from "../state/receipts";
import { receiptFlash } from "../ui/receipt_flash";
import { alert, badge, field, heading, needKey, para, table } from "../ui/parts";

async function perRound(i: InitiativeRecord, rounds: RoundRecord[]) {
  const rows = [];
  for (const r of rounds) {
    const totals = await audit.getRoundTotals({ roundId: r.id });
    const mine = totals.initiatives.find((x) => x.initiativeId === i.id)?.totals;
    if (!mine) continue;
    const net = mine.awarded - mine.withdrawn + mine.transferredIn - mine.transferredOut;
    rows.push([
      `${r.id}${r.closed ? "" : ` (${t("owner.open")})`}`,
      credits(net),
      euros(net * (r.rules?.creditValueCents ?? 0n)),
      credits(mine.redeemed),
      credits(mine.pending),
    ]);
  }
  return rows;
}

function statusBadge(s: RedemptionStatus) {
  if (s === RedemptionStatus.REDEMPTION_SETTLED) return badge(t("redeem.settled"), "ok");
  if (s === RedemptionStatus.REDEMPTION_REJECTED) return badge(t("redeem.rejected"), "error");
  return badge(t("redeem.pending"), "warning");
}

export async function ownerPage() {
  if (!app.key) return html`${heading(t("nav.owner"))}${needKey()}`;
  const me = app.resident?.resident;
  if (!me) return html`${heading(t("nav.owner"))}${alert("info", t("me.notEnrolled"))}`;
  const mine = (await allInitiatives()).filter((i) => i.owner === me.id);
  const rounds = await allRounds();
  const sections = [];
  for (const i of mine) {
    const view = await ledger.getInitiative({ id: i.id });
    const redemptions = await allRedemptions({ initiativeId: i.id });
    const redeem = onSubmit(async (v) => {
        const done = await submit(app.trust!, app.key!, {
          case: "requestRedemption",
          value: { initiativeId: i.id, amount: BigInt(v.amount), purpose: v.purpose, roundId: 0n },
        });
        keepReceipt(done.receipt);
        const r = await ledger.getRedemption({ id: done.receipt.index });
        const settled = r.status === RedemptionStatus.REDEMPTION_SETTLED;
        return receiptFlash(done, settled ? t("redeem.doneSettled", { eur: euros(r.cents) }) : t("redeem.doneWaits", { eur: euros(r.cents) }));
      });
    const report = onSubmit(async (v) => {
        const done = await submit(app.trust!, app.key!, { case: "postReport", value: { initiativeId: i.id, text: v.text } });
        keepReceipt(done.receipt);
        return receiptFlash(done, t("report.done"));
      });
    const id = `i${i.id}`;
    sections.push(html`<section class="uuro-card" aria-labelledby="${id}-h">
      <h2 class="utrecht-heading-2" id="${id}-h"><a class="utrecht-link" href="#/initiative/${i.id}">${i.proposal?.title}</a></h2>
      <h3 class="utrecht-heading-3">${t("owner.perRoundTitle")}</h3>
      ${table(t("owner.perRound", { title: i.proposal?.title ?? "" }), [t("owner.round"), t("owner.received"), t("owner.worth"), t("owner.redeemed"), t("owner.pending")], await perRound(i, rounds), [false, true, true, true, true], true)}
      <p class="utrecht-paragraph"><strong>${t("owner.balance", { n: credits(view.balance) })}</strong></p>
      <h3 class="utrecht-heading-3">${t("redeem.title")}</h3>
      ${view.balance > 0n
        ? html`<form class="uuro-form" @submit=${redeem}>
            ${field(`${id}-amount`, t("redeem.amount"), html`<input class="utrecht-textbox uuro-number" id="${id}-amount" name="amount" type="number" inputmode="numeric" min="1" max=${view.balance.toString()} required aria-describedby="${id}-amount-desc" />`, t("redeem.help"))}
            ${field(`${id}-purpose`, t("redeem.purpose"), html`<input class="utrecht-textbox" id="${id}-purpose" name="purpose" required maxlength="500" />`)}
            <button type="submit" class="utrecht-button utrecht-button--primary-action">${t("redeem.submit")}</button>
          </form>`
        : para(t("redeem.nothing"))}
      ${redemptions.length
        ? table(
            t("redeem.list", { title: i.proposal?.title ?? "" }),
            [t("redeem.when"), t("redeem.amount"), t("redeem.euros"), t("redeem.status"), t("redeem.purpose")],
            redemptions.map((r) => [dateTime(r.requestedAtMs), credits(r.amount), euros(r.cents), statusBadge(r.status), r.purpose]),
            [false, true, true, false, false],
            true,
          )
        : nothing}
      <h3 class="utrecht-heading-3">${t("report.title")}</h3>
      <form class="uuro-form" @submit=${report}>
        ${field(`${id}-report`, t("report.text"), html`<textarea class="utrecht-textarea" id="${id}-report" name="text" rows="4" required maxlength="4000"></textarea>`)}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">${t("report.submit")}</button>
      </form>
    </section>`);
  }
  return html`
    ${heading(t("nav.owner"), t("owner.lead"))}
    ${para(html`<a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href="#/propose">${t("propose.title")}</a>`)}
    ${mine.length ? sections : para(t("owner.none"))}`;
}
