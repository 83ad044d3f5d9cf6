// Every initiative, searchable and filtered by district, for anyone.
import { html } from "lit";
import { app } from "../app";
import { allInitiatives } from "../api/lists";
import { InitiativeStatus } from "../gen/uuro/v1/state_pb";
import { credits, t } from "../i18n";
import { badge, heading, para } from "../ui/parts";
import type { Route } from "../app";

export async function initiativesPage(route: Route) {
  const q = (route.query.get("q") ?? "").trim();
  const district = route.query.get("district") ?? "";
  const all = await allInitiatives();
  const needle = q.toLocaleLowerCase();
  const shown = all
    .filter((i) => !district || i.proposal?.district === district)
    .filter((i) => !needle || `${i.proposal?.title} ${i.proposal?.summary}`.toLocaleLowerCase().includes(needle))
    .sort((a, b) => Number(b.receivedOpen - a.receivedOpen) || Number(a.id - b.id));
  const districts = [...new Set(all.map((i) => i.proposal?.district ?? "").filter(Boolean))].sort();
  const apply = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const params = new URLSearchParams();
    if (data.get("q")) params.set("q", String(data.get("q")));
    if (data.get("district")) params.set("district", String(data.get("district")));
    app.go(`#/initiatives${params.size ? `?${params}` : ""}`);
  };
  return html`
    ${heading(t("nav.initiatives"), t("list.lead"))}
    <form class="uuro-filter" role="search" @submit=${apply}>
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="q">${t("list.search")}</label>
        <input class="utrecht-textbox" id="q" name="q" type="search" .value=${q} autocomplete="off" />
      </div>
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="district">${t("list.district")}</label>
        <select class="utrecht-select" id="district" name="district">
          <option value="">${t("list.allDistricts")}</option>
          ${districts.map((d) => html`<option value=${d} ?selected=${d === district}>${d}</option>`)}
        </select>
      </div>
      <button class="utrecht-button utrecht-button--secondary-action" type="submit">${t("list.apply")}</button>
    </form>
    <p class="utrecht-paragraph" role="status">${t("list.count", { n: shown.length, total: all.length })}</p>
    ${shown.length === 0 ? para(t("list.empty")) : ""}
    <ul class="uuro-cards">
      ${shown.map(
        (i) => html`<li class="uuro-card uuro-card--link">
          <h2 class="utrecht-heading-3"><a class="utrecht-link" href="#/initiative/${i.id}">${i.proposal?.title}</a></h2>
          <p class="utrecht-paragraph uuro-muted">${i.proposal?.district} · ${t("list.asked", { n: credits(i.proposal?.amountAsked ?? 0n) })}</p>
          <p class="utrecht-paragraph">${i.proposal?.summary}</p>
          <p class="utrecht-paragraph">
            ${t("list.received", { n: credits(i.receivedOpen) })}
            ${i.status === InitiativeStatus.INITIATIVE_SUSPENDED ? badge(t("status.suspended"), "warning") : ""}
            ${app.resident?.resident && i.owner === app.resident.resident.id ? badge(t("list.yours"), "ok") : ""}
          </p>
        </li>`,
      )}
    </ul>`;
}
