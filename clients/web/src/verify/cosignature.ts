// C2SP tlog-cosignature/v1 (https://c2sp.org/tlog-cosignature): council
// witnesses' timestamped statements that they saw a checkpoint and nothing
// inconsistent with it. Mirrors VerifyCosignatures in
// ledger/tlog/cosignature.cc.
import { concat, ed25519Verify, equalBytes, readUint64BE, utf8 } from "./bytes";
import { keyId, parseNote } from "./note";

export const COSIGNATURE_V1 = 0x04;
const MAX_TIMESTAMP = (1n << 63n) - 1n;
// As ledger/tlog/cosignature.h's CosignatureClock: five minutes.
export const DEFAULT_MAX_SKEW_SECONDS = 300n;

export interface Cosignature {
  name: string;
  publicKey: Uint8Array;
  timestamp: bigint; // POSIX seconds.
}

export function cosignerKeyId(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return keyId(name, COSIGNATURE_V1, publicKey);
}

function signedMessage(timestamp: bigint, text: string): Uint8Array {
  return concat(utf8(`cosignature/v1\ntime ${timestamp}\n`), utf8(text));
}

// The cosignatures on `note` that verify under one of `councilKeys`,
// whatever name they carry (the key id binds the name). At most one per key,
// so the count is of distinct witnesses; lines by other keys and lines that
// do not verify are skipped, not errors, since anyone may add lines to a
// note. Throws VerifyError only for a note that does not parse.
//
// With `clock`, a cosignature dated more than `maxSkewSeconds` after `now`
// is skipped too: a witness cannot vouch for a time that has not come, as
// the C++ overload with a CosignatureClock decides.
export async function verifyCosignatures(
  note: string,
  councilKeys: Uint8Array[],
  clock?: { nowSeconds: bigint; maxSkewSeconds?: bigint },
): Promise<Cosignature[]> {
  const parsed = parseNote(note);
  const out: Cosignature[] = [];
  const latest = clock ? clock.nowSeconds + (clock.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS) : MAX_TIMESTAMP;
  for (const line of parsed.signatures) {
    if (line.blob.length !== 8 + 64) continue;
    const timestamp = readUint64BE(line.blob, 0);
    if (timestamp > MAX_TIMESTAMP || timestamp > latest) continue;
    const signature = line.blob.slice(8);
    for (const key of councilKeys) {
      if (!equalBytes(await cosignerKeyId(line.name, key), line.keyId)) continue;
      if (out.some((c) => equalBytes(c.publicKey, key))) break;
      if (await ed25519Verify(key, signedMessage(timestamp, parsed.text), signature)) {
        out.push({ name: line.name, publicKey: key, timestamp });
      }
      break;
    }
  }
  return out;
}

// This device's clock, for verifyCosignatures.
export function nowClock(): { nowSeconds: bigint } {
  return { nowSeconds: BigInt(Math.floor(Date.now() / 1000)) };
}
