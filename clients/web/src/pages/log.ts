// The log's status for anyone: the pinned key, the latest checkpoint (checked
// here), how it relates to what this browser saw before, and the witnesses.
import { html, nothing } from "lit";
import { app } from "../app";
import { cosignedCheckpoint } from "../api/client";
import { age, credits, dateTime, t } from "../i18n";
import { base64Encode } from "../verify/bytes";
import { nowClock, verifyCosignatures } from "../verify/cosignature";
import { alert, facts, h2, heading, para } from "../ui/parts";

export async function logPage() {
  const trust = app.trust;
  if (!trust) return heading(t("nav.log"));
  const cp = await trust.refresh();
  const cosigned = await cosignedCheckpoint();
  const cosignatures = cosigned ? await verifyCosignatures(cosigned.checkpoint, trust.councilKeys, nowClock()).catch(() => []) : [];
  return html`
    ${heading(t("nav.log"), t("log.lead"))}
    ${alert("ok", t("log.checked", { size: credits(cp.size) }))}
    ${facts([
      [t("log.origin"), trust.origin],
      [t("log.key"), html`<code class="uuro-code uuro-break">${trust.fund.logVerifierKey}</code>`],
      [t("log.size"), credits(cp.size)],
      [t("log.root"), html`<code class="uuro-code uuro-break">${base64Encode(cp.root)}</code>`],
      [t("log.lastEntry"), trust.fund.lastTimeMs ? `${dateTime(trust.fund.lastTimeMs)} (${age(Date.now() - Number(trust.fund.lastTimeMs))})` : "—"],
      [t("log.witnesses"), t("log.witnessCount", { n: cosignatures.length, q: trust.quorum, size: credits(cosigned?.treeSize ?? 0n) })],
    ])}
    ${cosignatures.length < trust.quorum ? alert("warning", t("log.fewWitnesses")) : nothing}
    ${cosignatures.length
      ? html`<ul class="utrecht-unordered-list">${cosignatures.map((c) => html`<li>${c.name}: ${dateTime(Number(c.timestamp) * 1000)}</li>`)}</ul>`
      : nothing}
    ${h2(t("log.checkpoint"))}
    <pre class="uuro-pre">${cp.note}</pre>
    ${h2(t("log.mirror"))}
    ${para(t("log.mirrorLead"))}
    <ul class="utrecht-unordered-list">
      <li><a class="utrecht-link" href="checkpoint">/checkpoint</a></li>
      <li><a class="utrecht-link" href="tile/0/000">/tile/0/000</a></li>
    </ul>`;
}
