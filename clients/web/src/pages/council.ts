// The council's dashboard: a round's figures in credits and euros, per
// district and per initiative, the conservation identities as checks,
// redemptions waiting for approval, and the log's state. Every figure is the
// ledger's own total (Audit service), the same that `uuro audit totals` shows.
import { html, nothing } from "lit";
import { act, app, type Route } from "../app";
import { audit, cosignedCheckpoint } from "../api/client";
import { allInitiatives, allRedemptions, allRounds } from "../api/lists";
import { RedemptionStatus } from "../gen/uuro/v1/state_pb";
import { age, credits, dateTime, euros, t } from "../i18n";
import { submit } from "../keys/sign";
import { keepReceipt } from "../state/receipts";
import { equalBytes } from "../verify/bytes";
import { nowClock, verifyCosignatures } from "../verify/cosignature";
import { barChart } from "../ui/charts";
import { receiptFlash } from "../ui/receipt_flash";
import { alert, badge, button, facts, h2, heading, para, table } from "../ui/parts";

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const csvCell = (v: string | bigint | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

export async function councilPage(route: Route) {
  const rounds = await allRounds();
  if (!rounds.length) return html`${heading(t("nav.council"))}${para(t("round.none"))}`;
  const chosen = route.query.get("round");
  const round = rounds.find((r) => r.id.toString() === chosen) ?? rounds[rounds.length - 1];
  const totals = await audit.getRoundTotals({ roundId: round.id });
  const exported = await audit.exportRound({ roundId: round.id });
  const value = round.rules?.creditValueCents ?? 0n;
  const eur = (n: bigint) => euros(n * value);
  const titles = new Map((await allInitiatives()).map((i) => [i.id, i.proposal?.title ?? `#${i.id}`]));
  const pendingRedemptions = await allRedemptions({ status: RedemptionStatus.REDEMPTION_PENDING });
  const trust = app.trust!;
  const isCouncil = !!app.key && trust.councilKeys.some((k) => equalBytes(k, app.key!.publicKey));
  const cosigned = await cosignedCheckpoint();
  const cosignatures = cosigned ? await verifyCosignatures(cosigned.checkpoint, trust.councilKeys, nowClock()).catch(() => []) : [];
  const newest = cosignatures.reduce((m, c) => (c.timestamp > m ? c.timestamp : m), 0n);
  const r = totals.redemptions;

  const figures: [string, bigint, string][] = [
    [t("fig.issued"), totals.issued, "issued"],
    [t("fig.awarded"), totals.awarded, "awarded"],
    [t("fig.withdrawn"), totals.withdrawn, "withdrawn"],
    [t("fig.net"), totals.netAwarded, "net_awarded"],
    [t("fig.unspent"), totals.unspent, "unspent"],
    [t("fig.lapsed"), totals.lapsed, "lapsed"],
    [t("fig.transferred"), totals.transferred, "transferred"],
    [t("fig.redeemed"), r?.settled ?? 0n, "redeemed"],
    [t("fig.pending"), r?.pending ?? 0n, "pending"],
  ];
  const redeemedCents = r?.settledCents ?? 0n;
  const pendingCents = r?.pendingCents ?? 0n;
  const centsOf = (key: string, n: bigint) => (key === "redeemed" ? redeemedCents : key === "pending" ? pendingCents : n * value);

  const districts = totals.districts;
  const initiatives = totals.initiatives.slice().sort((a, b) => Number((b.totals?.awarded ?? 0n) - (a.totals?.awarded ?? 0n)));
  const approve = (id: bigint) => (e: Event) =>
    act(e.currentTarget, async () => {
      const done = await submit(trust, app.key!, { case: "approveRedemption", value: { requestId: id } });
      keepReceipt(done.receipt);
      return receiptFlash(done, t("council.approved", { id }));
    });
  const csv = () =>
    download(
      `round-${round.id}-initiatives.csv`,
      "text/csv",
      [["initiative_id", "title", "district", "awarded", "withdrawn", "transferred_in", "transferred_out", "redeemed", "pending", "redeemed_cents", "pending_cents"].join(",")]
        .concat(
          totals.initiatives.map((i) =>
            [i.initiativeId, titles.get(i.initiativeId) ?? "", i.district, i.totals?.awarded ?? 0n, i.totals?.withdrawn ?? 0n, i.totals?.transferredIn ?? 0n, i.totals?.transferredOut ?? 0n, i.totals?.redeemed ?? 0n, i.totals?.pending ?? 0n, i.totals?.redeemedCents ?? 0n, i.totals?.pendingCents ?? 0n]
              .map(csvCell)
              .join(","),
          ),
        )
        .join("\n") + "\n",
    );
  const exportUrl = `uuro.v1.Audit/ExportRound?connect=v1&encoding=json&message=${encodeURIComponent(JSON.stringify({ roundId: round.id.toString() }))}`;

  return html`
    ${heading(t("nav.council"), t("council.lead"))}
    <form class="uuro-filter" @submit=${(e: Event) => { e.preventDefault(); app.go(`#/council?round=${new FormData(e.target as HTMLFormElement).get("round")}`); }}>
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="round">${t("council.round")}</label>
        <select class="utrecht-select" id="round" name="round">
          ${rounds.map((x) => html`<option value=${x.id.toString()} ?selected=${x.id === round.id}>${t("council.roundOption", { id: x.id, state: x.closed ? t("council.closed") : t("council.open") })}</option>`)}
        </select>
      </div>
      <button class="utrecht-button utrecht-button--secondary-action" type="submit">${t("council.show")}</button>
    </form>
    ${facts([
      [t("council.state"), round.closed ? `${t("council.closed")} ${dateTime(round.closedAtMs)}` : t("council.open")],
      [t("round.value"), euros(value)],
      [t("council.residents"), credits(totals.residents)],
      [t("council.treeSize"), credits(totals.treeSize)],
      ...(totals.earlyCloseReason ? ([[t("council.earlyClose"), totals.earlyCloseReason]] as [string, string][]) : []),
    ])}
    <section aria-labelledby="fig-h">
      ${h2(t("council.figures"), "fig-h")}
      ${table(
        t("council.figuresCaption", { id: round.id }),
        [t("council.figure"), t("council.credits"), t("council.euros")],
        figures.map(([label, n, key]) => [label, html`<span data-figure=${key}>${credits(n)}</span>`, euros(centsOf(key, n))]),
        [false, true, true],
      )}
    </section>
    <section aria-labelledby="id-h">
      ${h2(t("council.identities"), "id-h")}
      ${para(t("council.identitiesLead"))}
      <ul class="uuro-checks">
        ${exported.identities.map((i) => html`<li>${i.holds ? badge(t("check.ok"), "ok") : badge(t("check.failed"), "error")} <strong>${i.name}</strong>: ${i.leftSource} = ${credits(i.left)}; ${i.rightSource} = ${credits(i.right)}</li>`)}
      </ul>
    </section>
    <section aria-labelledby="dist-h">
      ${h2(t("council.perDistrict"), "dist-h")}
      ${barChart(
        "chart-districts",
        t("council.districtChart"),
        districts.map((d) => d.district),
        [
          { label: t("council.issuedTo"), values: districts.map((d) => Number((d.totals?.residents ?? 0n) * (d.totals?.allowance ?? 0n))) },
          { label: t("council.awardedBy"), values: districts.map((d) => Number((d.totals?.awarded ?? 0n) - (d.totals?.withdrawn ?? 0n))) },
          { label: t("council.receivedIn"), values: districts.map((d) => Number(d.totals?.received ?? 0n)) },
        ],
        (n) => credits(n),
      )}
    </section>
    <section aria-labelledby="init-h">
      ${h2(t("council.perInitiative"), "init-h")}
      ${barChart(
        "chart-initiatives",
        t("council.initiativeChart"),
        initiatives.map((i) => titles.get(i.initiativeId) ?? `#${i.initiativeId}`),
        [
          { label: t("council.netReceived"), values: initiatives.map((i) => Number((i.totals?.awarded ?? 0n) - (i.totals?.withdrawn ?? 0n))) },
          { label: t("fig.redeemed"), values: initiatives.map((i) => Number(i.totals?.redeemed ?? 0n)) },
        ],
        (n) => credits(n),
      )}
      ${table(
        t("council.initiativeEuros"),
        [t("me.initiative"), t("council.netReceived"), t("council.euros"), t("fig.redeemed"), t("fig.pending")],
        initiatives.map((i) => {
          const net = (i.totals?.awarded ?? 0n) - (i.totals?.withdrawn ?? 0n);
          return [titles.get(i.initiativeId) ?? `#${i.initiativeId}`, credits(net), eur(net), euros(i.totals?.redeemedCents ?? 0n), euros(i.totals?.pendingCents ?? 0n)];
        }),
        [false, true, true, true, true],
      )}
    </section>
    <section aria-labelledby="pend-h">
      ${h2(t("council.pending"), "pend-h")}
      ${pendingRedemptions.length
        ? table(
            t("council.pending"),
            [t("redeem.when"), t("me.initiative"), t("redeem.euros"), t("redeem.purpose"), t("council.approvals"), ""],
            pendingRedemptions.map((p) => [
              dateTime(p.requestedAtMs),
              titles.get(p.initiativeId) ?? `#${p.initiativeId}`,
              euros(p.cents),
              p.purpose,
              `${p.approvals.length} / ${trust.quorum}`,
              isCouncil && !p.approvals.some((k) => equalBytes(k, app.key!.publicKey)) ? button(t("council.approve"), approve(p.id), "secondary") : nothing,
            ]),
            [false, false, true, false, true, false],
            true,
          )
        : para(t("council.noPending"))}
      ${!isCouncil && pendingRedemptions.length ? para(t("council.notCouncil")) : nothing}
    </section>
    <section aria-labelledby="log-h">
      ${h2(t("council.log"), "log-h")}
      ${facts([
        [t("log.size"), credits(trust.checkpoint.size)],
        [t("log.lastEntry"), trust.fund.lastTimeMs ? `${dateTime(trust.fund.lastTimeMs)} (${age(Date.now() - Number(trust.fund.lastTimeMs))})` : "—"],
        [t("log.witnesses"), t("log.witnessCount", { n: cosignatures.length, q: trust.quorum, size: credits(cosigned?.treeSize ?? 0n) })],
        [t("log.lastCosigned"), newest ? `${dateTime(Number(newest) * 1000)} (${age(Date.now() - Number(newest) * 1000)})` : t("log.never")],
      ])}
      ${cosignatures.length < trust.quorum ? alert("warning", t("log.fewWitnesses")) : nothing}
    </section>
    <section aria-labelledby="dl-h">
      ${h2(t("council.downloads"), "dl-h")}
      ${para(t("council.downloadsLead"))}
      <ul class="utrecht-unordered-list">
        <li><a class="utrecht-link" href=${exportUrl} download="round-${round.id}.json">${t("council.exportJson")}</a></li>
        <li>${button(t("council.exportCsv"), csv, "subtle")}</li>
      </ul>
    </section>`;
}
