// The front page: the fund, the open round, and the tasks people come for.
import { html } from "lit";
import { app } from "../app";
import { credits, dateTime, euros, t } from "../i18n";
import { facts, h2, heading, para } from "../ui/parts";
import { shareCap } from "../ui/round";

export async function homePage() {
  const fund = app.trust?.fund;
  const round = app.round;
  const r = app.resident;
  const task = (href: string, title: string, text: string) =>
    html`<li class="uuro-task"><a class="uuro-task__link" href=${href}><span class="uuro-task__title">${title}</span><span class="uuro-task__text">${text}</span></a></li>`;
  return html`
    ${heading(fund?.fundName ?? "Uuro", t("home.lead", { currency: fund?.currencyName || "Uuro" }))}
    ${round
      ? html`<section aria-labelledby="round-h" class="uuro-card">
          ${h2(round.closed ? t("round.last", { id: round.id }) : t("round.open", { id: round.id }), "round-h")}
          ${facts([
            [t("round.allowance"), credits(round.rules?.allowance ?? 0n)],
            [t("round.value"), euros(round.rules?.creditValueCents ?? 0n)],
            [t("round.cap"), t("round.capValue", { pct: round.rules?.maxSharePercent ?? 0, n: credits(shareCap(round.rules?.allowance ?? 0n, round.rules?.maxSharePercent ?? 0)) })],
            [round.closed ? t("round.closedAt") : t("round.closes"), dateTime(round.closed ? round.closedAtMs : round.rules?.closesAtMs ?? 0n)],
          ])}
          ${r?.resident && r.roundId
            ? para(html`<strong>${t("home.balance", { n: credits(r.balance), total: credits(r.allowance) })}</strong>`)
            : ""}
        </section>`
      : para(t("round.none"))}
    <section aria-labelledby="tasks-h">
      ${h2(t("home.tasks"), "tasks-h")}
      <ul class="uuro-tasks">
        ${task("#/initiatives", t("nav.initiatives"), t("home.task.initiatives"))}
        ${app.key ? task("#/me", t("nav.me"), t("home.task.me")) : task("#/join", t("join.title"), t("home.task.join"))}
        ${task("#/owner", t("nav.owner"), t("home.task.owner"))}
        ${task("#/council", t("nav.council"), t("home.task.council"))}
        ${task("#/log", t("nav.log"), t("home.task.log"))}
      </ul>
    </section>`;
}
