// The app's shell: routing on the URL's fragment (uurod serves one page; the
// fragment never reaches a server, so invite codes in it stay in the
// browser), the shared state of the signed-in key, and re-rendering.
import { html, render, type TemplateResult } from "lit";
import { ledger } from "./api/client";
import type { ResidentView } from "./gen/uuro/v1/ledger_pb";
import type { RoundRecord } from "./gen/uuro/v1/state_pb";
import { lang, setLang, t, type Lang } from "./i18n";
import { activeKey, type StoredKey } from "./keys/store";
import { Trust } from "./state/trust";
import { drawCharts } from "./ui/charts";
import { explain } from "./ui/errors";

export interface Route {
  path: string[];
  query: URLSearchParams;
}

export type Page = (route: Route) => Promise<TemplateResult>;

export interface Flash {
  kind: "ok" | "error" | "info" | "warning";
  text: string | TemplateResult;
}

class App {
  trust?: Trust;
  trustProblem?: string;
  key?: StoredKey;
  resident?: ResidentView;
  round?: RoundRecord; // The open round, or the latest one.
  flash?: Flash;
  private pages = new Map<string, Page>();
  private rendering = 0;

  register(name: string, page: Page): void {
    this.pages.set(name, page);
  }

  route(): Route {
    const raw = location.hash.replace(/^#\/?/, "");
    const [path, query] = raw.split("?", 2);
    return { path: path ? path.split("/").map(decodeURIComponent) : [], query: new URLSearchParams(query ?? "") };
  }

  go(hash: string): void {
    if (location.hash === hash) void this.show();
    else location.hash = hash;
  }

  say(flash: Flash): void {
    this.flash = flash;
  }

  // Loads what every page needs: the verified fund, the key and its resident.
  async loadSession(): Promise<void> {
    if (!this.trust) {
      try {
        this.trust = await Trust.load();
        this.trustProblem = undefined;
      } catch (e) {
        this.trustProblem = explain(e);
      }
    }
    this.key = await activeKey();
    this.resident = undefined;
    if (this.key) {
      try {
        this.resident = await ledger.getResident({ key: this.key.publicKey });
      } catch {
        this.resident = undefined; // Not enrolled (yet): the pages say so.
      }
    }
    const fund = this.trust?.fund;
    const roundId = fund ? fund.openRound || fund.lastRound : 0n;
    this.round = roundId ? await ledger.getRound({ id: roundId }) : undefined;
  }

  async show(): Promise<void> {
    const ticket = ++this.rendering;
    const route = this.route();
    const page = this.pages.get(route.path[0] ?? "") ?? this.pages.get("")!;
    let body: TemplateResult;
    try {
      await this.loadSession();
      body = await page(route);
    } catch (e) {
      body = html`<div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">${explain(e)}</p></div>`;
    }
    if (ticket !== this.rendering) return; // A later navigation won.
    const flash = this.flash;
    this.flash = undefined;
    render(this.frame(route, body, flash), document.getElementById("app")!);
    drawCharts();
    document.title = `${document.querySelector("h1")?.textContent ?? ""} · ${this.trust?.fund.fundName ?? "Uuro"}`;
    const h1 = document.querySelector("h1");
    if (h1 && document.activeElement === document.body) (h1 as HTMLElement).focus({ preventScroll: true });
  }

  private frame(route: Route, body: TemplateResult, flash?: Flash): TemplateResult {
    const here = route.path[0] ?? "";
    const link = (name: string, label: string) =>
      html`<li class="uuro-nav__item"><a class="uuro-nav__link" href="#/${name}" aria-current=${here === name ? "page" : "false"}>${label}</a></li>`;
    const other: Lang = lang === "nl" ? "en" : "nl";
    return html`
      <a class="utrecht-skip-link" href="#main" @click=${(e: Event) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>${t("skip")}</a>
      <div class="uuro-page">
        <header class="uuro-header">
          <div class="uuro-header__row">
            <a class="uuro-brand" href="#/">
              <span class="uuro-brand__logo" aria-hidden="true"></span>
              <span class="uuro-brand__name">${this.trust?.fund.fundName ?? "Uuro"}</span>
            </a>
            <button class="utrecht-button utrecht-button--subtle uuro-lang" type="button" lang=${other}
              @click=${() => { setLang(other); void this.show(); }}>${other === "nl" ? "Nederlands" : "English"}</button>
          </div>
          <nav class="uuro-nav" aria-label=${t("nav.label")}>
            <ul class="uuro-nav__list">
              ${link("", t("nav.home"))}
              ${link("initiatives", t("nav.initiatives"))}
              ${link("me", t("nav.me"))}
              ${link("owner", t("nav.owner"))}
              ${link("council", t("nav.council"))}
              ${link("log", t("nav.log"))}
              ${link("key", t("nav.key"))}
            </ul>
          </nav>
        </header>
        <main class="uuro-main" id="main" tabindex="-1">
          ${this.trustProblem
            ? html`<div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph"><strong>${t("trust.problem")}</strong> ${this.trustProblem}</p></div>`
            : ""}
          ${flash
            ? html`<div class="utrecht-alert utrecht-alert--${flash.kind}" role=${flash.kind === "error" ? "alert" : "status"}><div class="utrecht-paragraph">${flash.text}</div></div>`
            : ""}
          ${body}
        </main>
        <footer class="uuro-footer">
          <p class="utrecht-paragraph">${t("footer")}</p>
        </footer>
      </div>`;
  }
}

export const app = new App();

// Runs `work`, then shows the page again with its outcome; refusals are told
// in plain words. Buttons are disabled while it runs so nothing is sent twice.
export async function act(button: EventTarget | null, work: () => Promise<Flash | void>): Promise<void> {
  const b = button instanceof HTMLButtonElement ? button : undefined;
  if (b) {
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
  }
  try {
    const flash = await work();
    if (flash) app.say(flash);
  } catch (e) {
    app.say({ kind: "error", text: explain(e) });
  } finally {
    if (b) {
      b.disabled = false;
      b.removeAttribute("aria-busy");
    }
  }
  await app.show();
  window.scrollTo(0, 0);
}

// A form's submit handler: its values by field name, then `act`.
export function onSubmit(work: (values: Record<string, string>) => Promise<Flash | void>) {
  return (e: Event) => {
    e.preventDefault();
    const values: Record<string, string> = {};
    new FormData(e.target as HTMLFormElement).forEach((v, k) => (values[k] = String(v)));
    return act((e as SubmitEvent).submitter, () => work(values));
  };
}
