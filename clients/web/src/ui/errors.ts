// Refusals in plain words. uurod says precisely what rule refused a
// transaction; residents should not have to read status codes, so the common
// refusals are recognised and retold, and anything else keeps the server's
// sentence behind a plain-language lead.
import { Code, ConnectError } from "@connectrpc/connect";
import { t } from "../i18n";
import type { MessageId } from "../i18n/messages";
import { TrustError } from "../state/trust";
import { VerifyError } from "../verify/errors";

const KNOWN: [RegExp, MessageId][] = [
  [/exceeds the balance of (\d+)/, "refuse.balance"],
  [/may award at most (\d+) to one initiative/, "refuse.cap"],
  [/does not let owners award their own/, "refuse.own"],
  [/asked for (\d+) and has received (\d+)/, "refuse.asked"],
  [/is closed; its awards are final/, "refuse.closed"],
  [/takes awards from/, "refuse.notOpen"],
  [/is suspended/, "refuse.suspended"],
  [/cannot withdraw (\d+)/, "refuse.withdraw"],
  [/no invite has this code/, "refuse.inviteUnknown"],
  [/check symbol|invite code/i, "refuse.inviteTypo"],
];

const BY_CODE: Partial<Record<Code, MessageId>> = {
  [Code.InvalidArgument]: "code.invalid",
  [Code.Unauthenticated]: "code.unauthenticated",
  [Code.PermissionDenied]: "code.permission",
  [Code.FailedPrecondition]: "code.precondition",
  [Code.AlreadyExists]: "code.exists",
  [Code.NotFound]: "code.notFound",
  [Code.ResourceExhausted]: "code.busy",
  [Code.Unavailable]: "code.unavailable",
  [Code.DeadlineExceeded]: "code.unavailable",
};

export function explain(e: unknown): string {
  if (e instanceof TrustError || e instanceof VerifyError) return e.message;
  if (e instanceof ConnectError) {
    const message = e.rawMessage;
    if (e.code === Code.AlreadyExists && /invite|claimed/i.test(message)) return t("refuse.inviteUsed");
    if (e.code === Code.FailedPrecondition && /expired/i.test(message)) return t("refuse.inviteExpired");
    for (const [pattern, id] of KNOWN) {
      const m = pattern.exec(message);
      if (m) return t(id, { a: m[1] ?? "", b: m[2] ?? "" });
    }
    const lead = BY_CODE[e.code];
    return lead ? `${t(lead)} (${message})` : `${t("code.other")} (${message})`;
  }
  if (e instanceof TypeError) return t("code.unavailable");
  return e instanceof Error ? e.message : String(e);
}
