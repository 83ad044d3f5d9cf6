// Joining with an invite letter: the link or QR code fills in the code, a
// new key is made in this browser (it never leaves it), and the key claims
// the invite, which enrols it in the letter's district.
import { html, nothing } from "lit";
import { app, onSubmit, type Route } from "../app";
import { t } from "../i18n";
import { createKey } from "../keys/store";
import { submit } from "../keys/sign";
import { keepReceipt } from "../state/receipts";
import { receiptFlash } from "../ui/receipt_flash";
import { alert, field, heading, para } from "../ui/parts";
import { readQrFromFile } from "../ui/qr";
import { equalBytes } from "../verify/bytes";

// The code as the ledger expects it: upper case, no dashes or spaces, and
// the letters Crockford base32 reads as digits (I and L as 1, O as 0).
export function canonicalCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
}

// An invite QR code holds the join link; the code is in its fragment.
export function codeOfLink(text: string): string | undefined {
  const m = /[?&]code=([0-9A-Za-z-]+)/.exec(text);
  return m ? m[1] : undefined;
}

export async function joinPage(route: Route) {
  const code = route.query.get("code") ?? "";
  const enrolled = !!app.resident?.resident && !app.resident.keyRevoked;
  const join = onSubmit(async (v) => {
      // A key not yet enrolled (a claim that failed, say) claims again rather
      // than leaving one unused key behind per attempt.
      // An office key (council, steward) never becomes a resident's.
      const fund = app.trust!.fund;
      const office = [...fund.stewardKeys, ...fund.councilKeys].some((k) => app.key && equalBytes(k, app.key.publicKey));
      const reuse = app.key && !app.resident?.resident && !office;
      const key = reuse ? app.key! : await createKey(t("join.keyLabel"));
      app.key = key;
      const done = await submit(app.trust!, key, { case: "claimInvite", value: { code: canonicalCode(v.code) } });
      keepReceipt(done.receipt);
      app.go("#/me");
      return receiptFlash(done, t("join.done"));
    });
  const photo = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const text = await readQrFromFile(file);
    const found = text ? codeOfLink(text) : undefined;
    if (found) app.go(`#/join?code=${encodeURIComponent(found)}`);
    else {
      app.say({ kind: "error", text: t("join.noQr") });
      await app.show();
    }
  };
  return html`
    ${heading(t("join.title"), t("join.lead"))}
    ${enrolled ? alert("info", html`${t("join.already")} <a class="utrecht-link" href="#/me">${t("nav.me")}</a>`) : nothing}
    <form class="uuro-form" @submit=${join}>
      ${field("code", t("join.code"), html`<input class="utrecht-textbox uuro-code-input" id="code" name="code" required autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="code-desc" .value=${code} />`, t("join.codeHelp"))}
      <button type="submit" class="utrecht-button utrecht-button--primary-action">${t("join.submit")}</button>
    </form>
    ${para(t("join.keyNote"))}
    <div class="utrecht-form-field">
      <label class="utrecht-form-label" for="join-photo">${t("join.photo")}</label>
      <input class="uuro-file" id="join-photo" type="file" accept="image/*" capture="environment" @change=${photo} />
    </div>
    ${para(html`${t("join.haveCard")} <a class="utrecht-link" href="#/key">${t("key.title")}</a>`)}`;
}
