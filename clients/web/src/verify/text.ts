// The character rules of ledger/tlog/text.cc and note.cc: what may be a key
// name and what may be signed. Mirrored so the browser refuses the same
// notes the C++ refuses, rather than trusting text the server never would.
import { utf8 } from "./bytes";
import { VerifyError } from "./errors";

export const MAX_NOTE_SIZE = 1 << 20;
export const MAX_NOTE_SIGNATURES = 100;

// Unicode White_Space, as Go's unicode.IsSpace (the reference notes library).
function isUnicodeSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

// Code points of `s`; a lone surrogate is what a JavaScript string has where
// bytes would be invalid UTF-8.
function codePoints(s: string, what: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) {
      throw new VerifyError(`${what} is not valid UTF-8`);
    }
    out.push(c);
  }
  return out;
}

// C0, DEL and C1 controls, which terminals may act on, except '\n' where
// allowed.
export function checkCharacters(s: string, allowNewline: boolean, what: string) {
  for (const c of codePoints(s, what)) {
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
    if (control && !(allowNewline && c === 0x0a)) {
      throw new VerifyError(
        `${what} contains control character 0x${c.toString(16).padStart(2, "0")}`,
      );
    }
  }
}

export function checkKeyName(name: string) {
  const bad = () =>
    new VerifyError(
      `key name "${name.slice(0, 80)}" is not UTF-8 free of spaces, '+' and control characters`,
    );
  if (name === "") throw new VerifyError("key name is empty");
  let points: number[];
  try {
    points = codePoints(name, "key name");
  } catch {
    throw bad();
  }
  for (const c of points) {
    if (c < 0x20 || c === 0x2b || isUnicodeSpace(c)) throw bad();
  }
}

export function checkNoteText(text: string) {
  if (text === "" || !text.endsWith("\n")) {
    throw new VerifyError("note text must be non-empty and end with a newline");
  }
  const size = utf8(text).length;
  if (size > MAX_NOTE_SIZE) {
    throw new VerifyError(
      `note text has ${size} bytes; at most ${MAX_NOTE_SIZE} are accepted`,
    );
  }
  checkCharacters(text, true, "note text");
}

// ASCII digits, no sign, no leading zero except "0", at most 2^64 - 1: the
// one spelling checkpoints accept for a tree size.
export function parseCanonicalDecimal(text: string): bigint | undefined {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(text)) return undefined;
  const v = BigInt(text);
  return v <= 0xffffffffffffffffn ? v : undefined;
}
