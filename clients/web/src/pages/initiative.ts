// One initiative: what it is, what it received, its reports; and for a
// resident of the open round, awarding, withdrawing and moving credits with
// the balance and the share cap in view.
import { html, nothing } from "lit";
import { app, onSubmit, type Route } from "../app";
import { ledger } from "../api/client";
import { allInitiatives } from "../api/lists";
import { InitiativeStatus } from "../gen/uuro/v1/state_pb";
import { credits, dateTime, euros, t } from "../i18n";
import { submit } from "../keys/sign";
import { keepReceipt } from "../state/receipts";
import { receiptFlash } from "../ui/receipt_flash";
import { alert, badge, facts, field, h2, heading, para } from "../ui/parts";
import { roundOpen, shareCap } from "../ui/round";

export async function initiativePage(route: Route) {
  const id = BigInt(route.path[1] ?? "0");
  const view = await ledger.getInitiative({ id });
  const i = view.initiative!;
  const round = app.round;
  const r = app.resident;
  const mine = !!r?.resident && i.owner === r.resident.id;
  const awarded = r?.awards.find((a) => a.initiativeId === id)?.amount ?? 0n;
  const open = roundOpen(round) && r?.roundId === round?.id && !!r?.resident;
  const cap = r ? shareCap(r.allowance, round?.rules?.maxSharePercent ?? 0) : 0n;
  const room = cap > awarded ? cap - awarded : 0n;
  const most = r ? (r.balance < room ? r.balance : room) : 0n;
  const value = round?.rules?.creditValueCents ?? 0n;

  const award = onSubmit(async (v) => {
      const done = await submit(app.trust!, app.key!, { case: "award", value: { roundId: round!.id, initiativeId: id, amount: BigInt(v.amount) } });
      keepReceipt(done.receipt);
      return receiptFlash(done, t("award.done", { n: credits(BigInt(v.amount)), title: i.proposal!.title }));
    });
  const withdraw = onSubmit(async (v) => {
      const done = await submit(app.trust!, app.key!, { case: "withdrawAward", value: { roundId: round!.id, initiativeId: id, amount: BigInt(v.amount) } });
      keepReceipt(done.receipt);
      return receiptFlash(done, t("withdraw.done", { n: credits(BigInt(v.amount)), title: i.proposal!.title }));
    });
  // Moving is a withdrawal here and an award there: two entries, in that order,
  // so the balance never goes over the allowance in between.
  const move = onSubmit(async (v) => {
      const amount = BigInt(v.amount);
      const to = BigInt(v.to);
      const out = await submit(app.trust!, app.key!, { case: "withdrawAward", value: { roundId: round!.id, initiativeId: id, amount } });
      keepReceipt(out.receipt);
      const into = await submit(app.trust!, app.key!, { case: "award", value: { roundId: round!.id, initiativeId: to, amount } });
      keepReceipt(into.receipt);
      return receiptFlash(into, t("move.done", { n: credits(amount) }), out);
    });
  const others = awarded > 0n ? (await allInitiatives()).filter((x) => x.id !== id && x.status === InitiativeStatus.INITIATIVE_ACTIVE && x.owner !== r?.resident?.id) : [];

  return html`
    ${heading(i.proposal!.title)}
    <p class="utrecht-paragraph uuro-muted">${i.proposal!.district}
      ${i.status === InitiativeStatus.INITIATIVE_SUSPENDED ? badge(t("status.suspended"), "warning") : nothing}
      ${mine ? badge(t("list.yours"), "ok") : nothing}</p>
    <p class="utrecht-paragraph">${i.proposal!.summary}</p>
    ${i.status === InitiativeStatus.INITIATIVE_SUSPENDED ? alert("warning", t("status.suspendedWhy", { reason: i.statusReason })) : nothing}
    ${facts([
      [t("init.asked"), credits(i.proposal!.amountAsked)],
      [t("init.receivedOpen"), credits(i.receivedOpen)],
      [t("init.receivedFinal"), credits(i.receivedFinal)],
      [t("init.redeemed"), `${credits(i.redeemed)} (${euros(i.redeemedCents)})`],
      [t("init.pending"), `${credits(i.pending)} (${euros(i.pendingCents)})`],
      [t("init.balance"), credits(view.balance)],
      [t("init.proposed"), dateTime(i.proposedAtMs)],
    ])}
    ${i.proposal!.links.length
      ? html`<ul class="utrecht-unordered-list">${i.proposal!.links.map((l) => html`<li><a class="utrecht-link" href=${l} rel="noopener noreferrer">${l}</a></li>`)}</ul>`
      : nothing}
    ${!app.key
      ? para(html`<a class="utrecht-link" href="#/join">${t("init.joinToAward")}</a>`)
      : !open
        ? para(t("init.noRound"))
        : mine && !round?.rules?.ownerMayAwardOwn
          ? para(t("init.ownNoAward"))
          : html`<section aria-labelledby="award-h" class="uuro-card">
              ${h2(t("award.title"), "award-h")}
              ${facts([
                [t("award.balance"), credits(r!.balance)],
                [t("award.cap"), t("award.capValue", { cap: credits(cap), pct: round!.rules!.maxSharePercent })],
                [t("award.already"), credits(awarded)],
                [t("award.value"), euros(value)],
              ])}
              ${most > 0n
                ? html`<form class="uuro-form" @submit=${award}>
                    ${field("amount", t("award.amount"), html`<input class="utrecht-textbox uuro-number" id="amount" name="amount" type="number" inputmode="numeric" min="1" required aria-describedby="amount-desc" .value=${"1"} />`, t("award.amountHelp", { n: credits(most) }))}
                    <button type="submit" class="utrecht-button utrecht-button--primary-action">${t("award.submit")}</button>
                  </form>`
                : para(t("award.none"))}
              ${awarded > 0n
                ? html`${h2(t("withdraw.title"))}
                  <form class="uuro-form" @submit=${withdraw}>
                    ${field("withdraw-amount", t("withdraw.amount"), html`<input class="utrecht-textbox uuro-number" id="withdraw-amount" name="amount" type="number" inputmode="numeric" min="1" max=${awarded.toString()} required .value=${awarded.toString()} />`)}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">${t("withdraw.submit")}</button>
                  </form>
                  ${others.length
                    ? html`${h2(t("move.title"))}
                      <form class="uuro-form" @submit=${move}>
                        ${field("move-amount", t("move.amount"), html`<input class="utrecht-textbox uuro-number" id="move-amount" name="amount" type="number" inputmode="numeric" min="1" max=${awarded.toString()} required .value=${awarded.toString()} />`)}
                        ${field("move-to", t("move.to"), html`<select class="utrecht-select" id="move-to" name="to" required>${others.map((o) => html`<option value=${o.id.toString()}>${o.proposal?.title}</option>`)}</select>`)}
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">${t("move.submit")}</button>
                      </form>`
                    : nothing}`
                : nothing}
            </section>`}
    ${mine ? para(html`<a class="utrecht-link" href="#/owner">${t("init.manage")}</a>`) : nothing}
    <section aria-labelledby="reports-h">
      ${h2(t("init.reports"), "reports-h")}
      ${view.reports.length
        ? html`<ul class="uuro-reports">${view.reports.map((rep) => html`<li><p class="utrecht-paragraph uuro-muted">${dateTime(rep.postedAtMs)}</p><p class="utrecht-paragraph">${rep.text}</p></li>`)}</ul>`
        : para(t("init.noReports"))}
    </section>`;
}
