// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, as
// ledger/tlog/note.cc reads them.
import {
  base64Decode,
  base64Encode,
  concat,
  ed25519Verify,
  equalBytes,
  sha256,
  toHex,
  utf8,
} from "./bytes";
import { VerifyError } from "./errors";
import {
  MAX_NOTE_SIGNATURES,
  MAX_NOTE_SIZE,
  checkCharacters,
  checkKeyName,
} from "./text";

export const NOTE_ED25519 = 0x01;
const SIG_PREFIX = "\u2014 ";

export interface VerifierKey {
  name: string;
  keyId: Uint8Array; // 4 bytes
  publicKey: Uint8Array; // 32 bytes
  text: string; // name+hex(keyId)+base64(0x01||publicKey)
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array; // 4 bytes
  // The decoded bytes after the key id: an Ed25519 signature for a note key,
  // timestamp || signature for a cosignature.
  blob: Uint8Array;
  line: string; // As it appeared, without "\n".
}

export interface ParsedNote {
  text: string; // Includes the final "\n".
  signatures: NoteSignature[];
}

// The first 4 bytes of SHA-256(name || "\n" || type || key): binding the
// name into the id stops one key being shown under another name.
export async function keyId(
  name: string,
  type: number,
  publicKey: Uint8Array,
): Promise<Uint8Array> {
  const h = await sha256(utf8(name), new Uint8Array([0x0a, type]), publicKey);
  return h.slice(0, 4);
}

export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  const refuse = (why: string) =>
    new VerifyError(`verifier key "${text.slice(0, 200)}" ${why}`);
  // The name and key id hold no '+'; the base64 key may.
  const plus1 = text.indexOf("+");
  const plus2 = plus1 < 0 ? -1 : text.indexOf("+", plus1 + 1);
  if (plus2 < 0) throw refuse("is not name+keyid+key");
  const name = text.slice(0, plus1);
  const hex = text.slice(plus1 + 1, plus2);
  try {
    checkKeyName(name);
  } catch {
    throw refuse("has an invalid key name");
  }
  if (!/^[0-9a-f]{8}$/.test(hex)) {
    throw refuse("has a key id that is not 8 lowercase hex digits");
  }
  let blob: Uint8Array;
  try {
    blob = base64Decode(text.slice(plus2 + 1));
  } catch {
    throw refuse("does not hold base64 of a type byte and a 32-byte key");
  }
  if (blob.length !== 33) {
    throw refuse("does not hold base64 of a type byte and a 32-byte key");
  }
  if (blob[0] !== NOTE_ED25519) throw refuse("is not an Ed25519 key");
  const publicKey = blob.slice(1);
  const id = await keyId(name, NOTE_ED25519, publicKey);
  if (toHex(id) !== hex) {
    throw refuse("has a key id that does not match its name and key");
  }
  return { name, keyId: id, publicKey, text };
}

export function formatVerifierKey(key: VerifierKey): string {
  return `${key.name}+${toHex(key.keyId)}+${base64Encode(
    concat(new Uint8Array([NOTE_ED25519]), key.publicKey),
  )}`;
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIG_PREFIX)) {
    throw new VerifyError(
      "note signature line does not start with an em dash and a space",
    );
  }
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(" ");
  if (space < 0) {
    throw new VerifyError(
      "note signature line has no space between key name and signature",
    );
  }
  const name = rest.slice(0, space);
  checkKeyName(name);
  let decoded: Uint8Array | undefined;
  try {
    decoded = base64Decode(rest.slice(space + 1));
  } catch {
    decoded = undefined;
  }
  if (decoded === undefined || decoded.length <= 4) {
    throw new VerifyError(
      `note signature by ${name} is not base64 of a key id and a signature`,
    );
  }
  return { name, keyId: decoded.slice(0, 4), blob: decoded.slice(4), line };
}

// Splits a note into its text and signature lines, checking the syntax and
// no signature.
export function parseNote(note: string): ParsedNote {
  const size = utf8(note).length;
  if (size > MAX_NOTE_SIZE) {
    throw new VerifyError(
      `note has ${size} bytes; at most ${MAX_NOTE_SIZE} are accepted`,
    );
  }
  checkCharacters(note, true, "note");
  // Signature lines are never empty, so the last blank line is the separator.
  const split = note.lastIndexOf("\n\n");
  if (split < 0) {
    throw new VerifyError("note has no blank line between text and signatures");
  }
  const lines = note.slice(split + 2);
  if (lines === "") throw new VerifyError("note has no signature lines");
  if (!lines.endsWith("\n")) {
    throw new VerifyError("note does not end with a newline");
  }
  const parts = lines.slice(0, -1).split("\n");
  if (parts.length > MAX_NOTE_SIGNATURES) {
    throw new VerifyError(
      `note has ${parts.length} signature lines; at most ${MAX_NOTE_SIGNATURES} are accepted`,
    );
  }
  return { text: note.slice(0, split + 1), signatures: parts.map(parseSignatureLine) };
}

// As the C++ OpenNote with one verifier: a line that claims to be by `key`
// must verify, and at least one must; lines by other keys (cosignatures, for
// one) are returned unchecked.
export async function openNote(note: string, key: VerifierKey): Promise<ParsedNote> {
  const parsed = parseNote(note);
  const message = utf8(parsed.text);
  let verified = false;
  for (const sig of parsed.signatures) {
    if (sig.name !== key.name || !equalBytes(sig.keyId, key.keyId)) continue;
    if (!(await ed25519Verify(key.publicKey, message, sig.blob))) {
      throw new VerifyError(
        `note signature by ${sig.name}+${toHex(sig.keyId)} does not verify`,
      );
    }
    verified = true;
  }
  if (!verified) {
    throw new VerifyError("note is not signed by any of the expected keys");
  }
  return parsed;
}
