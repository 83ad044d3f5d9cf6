// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the log's signed
// tree head, parsed as strictly as ledger/tlog/checkpoint.cc.
import { base64Decode } from "./bytes";
import { VerifyError } from "./errors";
import { openNote, type VerifierKey } from "./note";
import { checkNoteText, parseCanonicalDecimal } from "./text";

export interface CheckpointText {
  origin: string;
  size: bigint;
  root: Uint8Array; // 32 bytes
  extensions: string[];
  text: string; // The note text the fields were read from.
}

export interface Checkpoint extends CheckpointText {
  note: string; // The whole signed note, to pass on or cosign.
}

const malformed = (why: string) => new VerifyError(`malformed checkpoint: ${why}`);

export function parseCheckpointText(text: string): CheckpointText {
  if (!text.endsWith("\n")) throw malformed("text does not end with a newline");
  checkNoteText(text);
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) {
    throw malformed("fewer than three lines (origin, tree size, root hash)");
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin === "") throw malformed("origin line is empty");
  const size = parseCanonicalDecimal(sizeText);
  if (size === undefined) {
    throw malformed(
      "tree size is not a decimal number without leading zeros that fits 64 bits",
    );
  }
  let root: Uint8Array | undefined;
  try {
    root = base64Decode(rootText);
  } catch {
    root = undefined;
  }
  if (root === undefined || root.length !== 32) {
    throw malformed("root hash is not canonical base64 of 32 bytes");
  }
  if (extensions.some((line) => line === "")) {
    throw malformed("extension line is empty");
  }
  return { origin, size, root, extensions, text };
}

// The origin is checked as well as the key: a log key may sign for more than
// one log, and a checkpoint of another log proves nothing about this one.
export async function verifyCheckpoint(
  note: string,
  key: VerifierKey,
  origin: string,
): Promise<Checkpoint> {
  const opened = await openNote(note, key);
  const cp = parseCheckpointText(opened.text);
  if (cp.origin !== origin) {
    throw new VerifyError(
      `checkpoint is for origin "${cp.origin}", expected "${origin}"`,
    );
  }
  return { ...cp, note };
}
