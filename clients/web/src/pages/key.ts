// The keys of this browser: which one signs, making a new one, and reading
// a paper key card by camera, photo or typed text.
import { html, nothing } from "lit";
import { act, app, onSubmit } from "../app";
import { t } from "../i18n";
import { createKey, forgetKey, importKeyCard, listKeys, setActiveKey } from "../keys/store";
import { alert, button, field, h2, heading, para, shortKey, table } from "../ui/parts";
import { readQrFromFile, scanWithCamera } from "../ui/qr";

let scanning: AbortController | undefined;

async function importText(text: string) {
  await importKeyCard(text, t("key.cardLabel"));
  return { kind: "ok" as const, text: t("key.imported") };
}

export async function keyPage() {
  const keys = await listKeys();
  const paste = onSubmit((v) => importText(v.card));
  const photo = (e: Event) =>
    act(null, async () => {
      const file = (e.target as HTMLInputElement).files?.[0];
      const text = file ? await readQrFromFile(file) : undefined;
      if (!text) return { kind: "error", text: t("key.noQr") };
      return importText(text);
    });
  const camera = (e: Event) =>
    act(e.currentTarget, async () => {
      scanning?.abort();
      scanning = new AbortController();
      const video = document.getElementById("camera") as HTMLVideoElement;
      video.hidden = false;
      try {
        const text = await scanWithCamera(video, scanning.signal);
        return text ? importText(text) : undefined;
      } finally {
        video.hidden = true;
      }
    });
  return html`
    ${heading(t("key.title"), t("key.lead"))}
    ${keys.length
      ? table(
          t("key.list"),
          [t("key.public"), t("key.label"), ""],
          keys.map((k) => [
            html`<code class="uuro-code">${shortKey(k.publicKey)}</code>`,
            k.label + (k.id === app.key?.id ? ` (${t("key.active")})` : ""),
            html`${k.id !== app.key?.id ? button(t("key.use"), (e) => act(e.currentTarget, async () => { setActiveKey(k.id); }), "secondary") : nothing}
              ${button(t("key.forget"), (e) => { if (confirm(t("key.forgetConfirm"))) void act(e.currentTarget, () => forgetKey(k.id)); }, "subtle")}`,
          ]),
        )
      : alert("info", t("key.none"))}
    ${app.key ? para(html`${t("key.fullPublic")} <code class="uuro-code uuro-break">${app.key.id}</code>`) : nothing}
    <section aria-labelledby="card-h" class="uuro-card">
      ${h2(t("key.cardTitle"), "card-h")}
      ${para(t("key.cardLead"))}
      ${button(t("key.camera"), camera, "secondary")}
      <video id="camera" class="uuro-camera" hidden muted playsinline aria-label=${t("key.camera")}></video>
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="card-photo">${t("key.photo")}</label>
        <input class="uuro-file" id="card-photo" type="file" accept="image/*" @change=${photo} />
      </div>
      <form class="uuro-form" @submit=${paste}>
        ${field("card", t("key.paste"), html`<textarea class="utrecht-textarea" id="card" name="card" rows="3" required spellcheck="false" autocomplete="off"></textarea>`)}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">${t("key.import")}</button>
      </form>
    </section>
    <section aria-labelledby="new-h">
      ${h2(t("key.newTitle"), "new-h")}
      ${para(t("key.newLead"))}
      ${button(t("key.new"), (e) => act(e.currentTarget, async () => { await createKey(t("key.newLabel")); return { kind: "ok", text: t("key.created") }; }), "secondary")}
    </section>`;
}
