// A resident's own page: the allowance left in the open round, their awards
// (with a way to change each), and every entry they signed, each checked.
import { html, nothing } from "lit";
import { fromBinary } from "@bufbuild/protobuf";
import { app } from "../app";
import { ledger } from "../api/client";
import { allInitiatives } from "../api/lists";
import { EnvelopeSchema, LogEntrySchema, TxBodySchema } from "../gen/uuro/v1/transaction_pb";
import { credits, dateTime, t } from "../i18n";
import { describe } from "../ui/describe";
import { alert, facts, h2, heading, needKey, para, shortKey, table } from "../ui/parts";

export async function mePage() {
  if (!app.key) return html`${heading(t("nav.me"))}${needKey()}`;
  const r = app.resident;
  const titles = new Map((await allInitiatives()).map((i) => [i.id, i.proposal?.title ?? ""]));
  const title = (id: bigint) => titles.get(id) ?? `#${id}`;
  const history = await ledger.getHistory({ key: app.key.publicKey, pageSize: 100 });
  const rows = history.items
    .slice()
    .reverse()
    .map((item) => {
      const e = fromBinary(LogEntrySchema, item.entry);
      const body = fromBinary(TxBodySchema, fromBinary(EnvelopeSchema, e.envelope).body);
      return [
        dateTime(e.timeMs),
        describe(body, title),
        html`<a class="utrecht-link" href="#/receipt/${item.index}" aria-label=${t("receipt.showFor", { index: item.index })}>${t("receipt.entry", { index: item.index })}</a>`,
      ];
    });
  return html`
    ${heading(t("nav.me"))}
    ${!r?.resident
      ? alert("info", t("me.notEnrolled"))
      : r.keyRevoked || r.resident.revoked
        ? alert("warning", t("me.revoked"))
        : nothing}
    ${facts([
      [t("me.key"), html`<code class="uuro-code">${shortKey(app.key.publicKey)}</code>`],
      ...(r?.resident
        ? ([
            [t("me.district"), r.resident.district],
            [t("me.round"), r.roundId ? `${r.roundId}` : t("round.none")],
            [t("me.allowance"), credits(r.allowance)],
            [t("me.spent"), credits(r.spent)],
            [t("me.balance"), html`<strong>${credits(r.balance)}</strong>`],
          ] as [string, string][])
        : []),
    ])}
    <section aria-labelledby="awards-h">
      ${h2(t("me.awards"), "awards-h")}
      ${r?.awards.length
        ? table(
            t("me.awards"),
            [t("me.initiative"), t("me.amount"), ""],
            r.awards.map((a) => [
              title(a.initiativeId),
              credits(a.amount),
              html`<a class="utrecht-link" href="#/initiative/${a.initiativeId}">${t("me.change")}</a>`,
            ]),
            [false, true, false],
            true,
          )
        : para(html`${t("me.noAwards")} <a class="utrecht-link" href="#/initiatives">${t("nav.initiatives")}</a>`)}
    </section>
    <section aria-labelledby="history-h">
      ${h2(t("me.history"), "history-h")}
      ${para(t("me.historyLead"))}
      ${rows.length ? table(t("me.history"), [t("me.when"), t("me.what"), t("me.receipt")], rows, [], true) : para(t("me.noHistory"))}
    </section>`;
}
