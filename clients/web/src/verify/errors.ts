// One error type for everything that fails to verify, so the app can tell a
// proof that does not hold (show it to the user) from a bug (report it).
export class VerifyError extends Error {
  // A short plain-language reason, also the message; kept as a field so
  // callers need not parse messages.
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = "VerifyError";
    this.reason = reason;
  }
}
