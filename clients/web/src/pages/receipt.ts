// One entry's receipt, proven in this browser: the checkpoint signed by the
// pinned log key, the inclusion proof to it, and the council witnesses'
// cosignatures, each shown on demand.
import { html, nothing } from "lit";
import { app, type Route } from "../app";
import { allInitiatives } from "../api/lists";
import { credits, dateTime, t } from "../i18n";
import { checkEntry, verified, type Check } from "../state/receipts";
import { base64Encode } from "../verify/bytes";
import { describe } from "../ui/describe";
import { alert, badge, facts, h2, heading, para, shortKey } from "../ui/parts";

function proofDetails(label: string, c: Check | undefined) {
  if (!c?.checkpoint && !c?.proof) return nothing;
  return html`<details class="uuro-details">
    <summary>${label}</summary>
    ${c.checkpoint ? html`<p class="utrecht-paragraph">${t("receipt.checkpointOf", { size: credits(c.checkpoint.size) })}</p><pre class="uuro-pre">${c.checkpoint.note}</pre>` : nothing}
    ${c.proof ? html`<p class="utrecht-paragraph">${t("receipt.proofHashes", { n: c.proof.length })}</p><ol class="uuro-hashes">${c.proof.map((h) => html`<li><code>${base64Encode(h)}</code></li>`)}</ol>` : nothing}
  </details>`;
}

export async function receiptPage(route: Route) {
  const index = BigInt(route.path[1] ?? "0");
  if (!app.trust) return heading(t("receipt.title", { index }));
  const c = await checkEntry(app.trust, index);
  const titles = new Map((await allInitiatives()).map((i) => [i.id, i.proposal?.title ?? ""]));
  const ok = verified(c);
  const w = c.witnessed;
  const witnessText =
    w.problem === "none"
      ? t("receipt.witnessNone")
      : w.problem === "pending"
      ? t("receipt.witnessPending", { size: credits(w.checkpoint?.size ?? 0n) })
      : w.ok
        ? t("receipt.witnessed", { n: w.cosignatures.length, q: w.quorum })
        : w.problem === "few"
          ? t("receipt.witnessFew", { n: w.cosignatures.length, q: w.quorum })
          : t("receipt.witnessFailed", { why: w.problem ?? "" });
  return html`
    ${heading(t("receipt.title", { index }))}
    ${ok
      ? alert("ok", html`<strong>${t("receipt.verified")}</strong> ${t("receipt.verifiedLead")}`)
      : alert("error", html`<strong>${t("receipt.notVerified")}</strong> ${c.kept && !c.kept.ok ? c.kept.problem : c.latest.problem}`)}
    ${facts([
      [t("receipt.what"), describe(c.body, (id) => titles.get(id) ?? `#${id}`)],
      [t("receipt.when"), dateTime(c.timeMs)],
      [t("receipt.signer"), html`<code class="uuro-code">${c.signer ? shortKey(c.signer) : "—"}</code>`],
      [t("receipt.leaf"), html`<code class="uuro-code uuro-break">${base64Encode(c.leaf)}</code>`],
    ])}
    <section aria-labelledby="checks-h">
      ${h2(t("receipt.checks"), "checks-h")}
      <ul class="uuro-checks">
        ${c.kept
          ? html`<li>${c.kept.ok ? badge(t("check.ok"), "ok") : badge(t("check.failed"), "error")} ${t("receipt.keptCheck")}${c.kept.problem ? html` — ${c.kept.problem}` : nothing}</li>`
          : nothing}
        <li>${c.latest.ok ? badge(t("check.ok"), "ok") : badge(t("check.failed"), "error")} ${t("receipt.latestCheck", { size: credits(c.latest.checkpoint?.size ?? 0n) })}${c.latest.problem ? html` — ${c.latest.problem}` : nothing}</li>
        <li>${w.ok ? badge(t("check.ok"), "ok") : badge(t("check.open"), ["none", "pending", "few"].includes(w.problem ?? "") ? "warning" : "error")} ${witnessText}</li>
      </ul>
      ${proofDetails(t("receipt.keptDetails"), c.kept)}
      ${proofDetails(t("receipt.latestDetails"), c.latest)}
      ${w.checkpoint
        ? html`<details class="uuro-details"><summary>${t("receipt.witnessDetails")}</summary>
            <ul class="utrecht-unordered-list">${w.cosignatures.map((s) => html`<li>${s.name}: ${dateTime(Number(s.timestamp) * 1000)}</li>`)}</ul>
            <pre class="uuro-pre">${w.checkpoint.note}</pre></details>`
        : nothing}
    </section>
    ${para(html`<a class="utrecht-link" href="#/log">${t("receipt.aboutLog")}</a>`)}`;
}
