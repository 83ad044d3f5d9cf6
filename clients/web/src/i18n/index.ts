// Dutch and English. Dutch when the browser asks for it, English otherwise;
// a choice made on the page is remembered. Every message exists in both
// languages: the type of `messages` makes a missing translation a build error.
import { messages, type MessageId } from "./messages";

export type Lang = "nl" | "en";
const CHOICE = "uuro.lang";

function initial(): Lang {
  const chosen = localStorage.getItem(CHOICE);
  if (chosen === "nl" || chosen === "en") return chosen;
  const asked = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const l of asked) {
    if (l.toLowerCase().startsWith("nl")) return "nl";
    if (l.toLowerCase().startsWith("en")) return "en";
  }
  return "en";
}

export let lang: Lang = initial();

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(CHOICE, l);
  document.documentElement.lang = l;
}
document.documentElement.lang = lang;

export function t(id: MessageId, params: Record<string, string | number | bigint> = {}): string {
  let s = messages[id][lang];
  for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

const locale = () => (lang === "nl" ? "nl-NL" : "en-GB");

export function credits(n: bigint | number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

export function euros(cents: bigint | number): string {
  return new Intl.NumberFormat(locale(), { style: "currency", currency: "EUR" }).format(Number(cents) / 100);
}

export function dateTime(ms: bigint | number): string {
  if (!ms) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(Number(ms)));
}

export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  if (s < 60) return rtf.format(-s, "second");
  if (s < 3600) return rtf.format(-Math.round(s / 60), "minute");
  if (s < 86400) return rtf.format(-Math.round(s / 3600), "hour");
  return rtf.format(-Math.round(s / 86400), "day");
}
