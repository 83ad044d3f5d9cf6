// Small pieces of markup the pages share, in the NL Design System's classes
// so a municipality's theme restyles them all.
import { html, nothing, type TemplateResult } from "lit";
import { t } from "../i18n";

export function heading(text: string, lead?: string): TemplateResult {
  return html`<h1 class="utrecht-heading-1" tabindex="-1">${text}</h1>
    ${lead ? html`<p class="utrecht-paragraph utrecht-paragraph--lead">${lead}</p>` : nothing}`;
}

export function h2(text: string, id?: string): TemplateResult {
  return html`<h2 class="utrecht-heading-2" id=${id ?? nothing}>${text}</h2>`;
}

export function para(text: string | TemplateResult): TemplateResult {
  return html`<p class="utrecht-paragraph">${text}</p>`;
}

// Key figures as a description list: label, value.
export function facts(rows: [string, string | TemplateResult][]): TemplateResult {
  return html`<dl class="uuro-facts">
    ${rows.map(([k, v]) => html`<div class="uuro-facts__row"><dt>${k}</dt><dd>${v}</dd></div>`)}
  </dl>`;
}

// A table in a region that scrolls sideways on a phone. `hideCaption` keeps
// the caption for screen readers where a heading above already says it.
export function table(caption: string, head: string[], rows: unknown[][], numeric: boolean[] = [], hideCaption = false): TemplateResult {
  return html`<div class="uuro-table-scroll" role="region" aria-label=${caption} tabindex="0">
    <table class="utrecht-table utrecht-table--html-table">
      <caption class="utrecht-table__caption ${hideCaption ? "uuro-visually-hidden" : ""}">${caption}</caption>
      <thead class="utrecht-table__header"><tr class="utrecht-table__row">
        ${head.map((h, i) => html`<th class="utrecht-table__header-cell ${numeric[i] ? "utrecht-table__header-cell--numeric" : ""}" scope="col">${h}</th>`)}
      </tr></thead>
      <tbody class="utrecht-table__body">
        ${rows.map((r) => html`<tr class="utrecht-table__row">${r.map((c, i) => html`<td class="utrecht-table__cell ${numeric[i] ? "utrecht-table__cell--numeric" : ""}">${c}</td>`)}</tr>`)}
      </tbody>
    </table>
  </div>`;
}

export function badge(text: string, kind: "ok" | "error" | "neutral" | "warning" = "neutral"): TemplateResult {
  return html`<span class="uuro-badge uuro-badge--${kind}">${text}</span>`;
}

export function alert(kind: "ok" | "error" | "info" | "warning", text: string | TemplateResult): TemplateResult {
  return html`<div class="utrecht-alert utrecht-alert--${kind}" role=${kind === "error" ? "alert" : "status"}><div class="utrecht-paragraph">${text}</div></div>`;
}

export function field(id: string, label: string, input: TemplateResult, description?: string): TemplateResult {
  return html`<div class="utrecht-form-field utrecht-form-field--text">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for=${id}>${label}</label></div>
    ${description ? html`<div class="utrecht-form-field-description" id=${`${id}-desc`}>${description}</div>` : nothing}
    <div class="utrecht-form-field__input">${input}</div>
  </div>`;
}

export function button(label: string, onClick: (e: Event) => void, kind: "primary" | "secondary" | "subtle" = "primary"): TemplateResult {
  return html`<button type="button" class="utrecht-button utrecht-button--${kind === "primary" ? "primary-action" : kind === "secondary" ? "secondary-action" : "subtle"}" @click=${onClick}>${label}</button>`;
}

export function submitButton(label: string): TemplateResult {
  return html`<button type="submit" class="utrecht-button utrecht-button--primary-action">${label}</button>`;
}

export function needKey(): TemplateResult {
  return html`${alert("info", html`${t("key.none")} <a class="utrecht-link" href="#/join">${t("join.title")}</a> · <a class="utrecht-link" href="#/key">${t("key.title")}</a>`)}`;
}

export function shortKey(key: Uint8Array | string): string {
  const h = typeof key === "string" ? key : Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}…${h.slice(-8)}`;
}
