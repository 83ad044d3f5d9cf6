// What the app trusts, and why. The log's key is pinned on first use (as ssh
// pins a host key) or from the fund's letter; every checkpoint after that must
// be signed by it and consistent with the last one this browser saw, so the
// operator cannot rewrite history without the app noticing. The council's
// keys and quorum come from the genesis entry, proven to be in the log.
import { fromBinary } from "@bufbuild/protobuf";
import { ledger, transparency } from "../api/client";
import type { FundRecord } from "../gen/uuro/v1/state_pb";
import { EnvelopeSchema, LogEntrySchema, TxBodySchema } from "../gen/uuro/v1/transaction_pb";
import { base64Decode, base64Encode, equalBytes } from "../verify/bytes";
import { verifyCheckpoint, type Checkpoint } from "../verify/checkpoint";
import { verifyConsistency, verifyInclusion, leafHash } from "../verify/merkle";
import { parseVerifierKey, type VerifierKey } from "../verify/note";
import { VerifyError } from "../verify/errors";

const PIN = "uuro.logKey";
const SEEN = "uuro.lastCheckpoint";

export class TrustError extends Error {}

export class Trust {
  fund!: FundRecord;
  logKey!: VerifierKey;
  origin = "";
  checkpoint!: Checkpoint;
  councilKeys: Uint8Array[] = [];
  quorum = 0;
  pinnedAt = "";

  static async load(): Promise<Trust> {
    const t = new Trust();
    t.fund = await ledger.getFund({});
    t.origin = t.fund.origin;
    const pinned = localStorage.getItem(PIN);
    if (pinned && pinned !== t.fund.logVerifierKey) {
      throw new TrustError(
        `The ledger now presents another log key (${t.fund.logVerifierKey}) than the one this browser pinned (${pinned}).`,
      );
    }
    t.logKey = await parseVerifierKey(t.fund.logVerifierKey);
    await t.refresh();
    await t.loadGenesis();
    if (!pinned) localStorage.setItem(PIN, t.fund.logVerifierKey);
    t.pinnedAt = localStorage.getItem(PIN) ?? "";
    return t;
  }

  // Fetches the latest checkpoint, checks it against the pinned key and proves
  // it extends the last one seen here.
  async refresh(): Promise<Checkpoint> {
    const res = await transparency.getCheckpoint({ cosigned: false });
    if (res.logVerifierKey !== this.fund.logVerifierKey) {
      throw new TrustError("The server's log key is not the pinned one: nothing was signed or sent.");
    }
    const cp = await verifyCheckpoint(res.checkpoint, this.logKey, this.origin);
    const seen = this.lastSeen();
    if (seen && seen.size > 0n && seen.size <= cp.size) {
      const proof = await transparency.getConsistencyProof({ oldSize: seen.size, newSize: cp.size });
      if (proof.treeSize !== cp.size) {
        // The log grew between the two calls; the next refresh proves it.
      } else {
        try {
          await verifyConsistency(seen.size, cp.size, seen.root, cp.root, proof.hashes);
        } catch (e) {
          throw new TrustError(`The log is not consistent with what this browser saw before: ${(e as Error).message}`);
        }
      }
    } else if (seen && seen.size > cp.size) {
      throw new TrustError(`The log shrank from ${seen.size} entries (seen before) to ${cp.size}.`);
    }
    localStorage.setItem(SEEN, JSON.stringify({ size: cp.size.toString(), root: base64Encode(cp.root) }));
    this.checkpoint = cp;
    return cp;
  }

  private lastSeen(): { size: bigint; root: Uint8Array } | undefined {
    const raw = localStorage.getItem(SEEN);
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as { size: string; root: string };
      return { size: BigInt(v.size), root: base64Decode(v.root) };
    } catch {
      return undefined;
    }
  }

  private async loadGenesis(): Promise<void> {
    const { entries } = await transparency.getEntries({ start: 0n, end: 1n });
    const proof = await transparency.getInclusionProof({ index: 0n, treeSize: this.checkpoint.size });
    if (entries.length !== 1) throw new TrustError("The server did not return the genesis entry.");
    try {
      await verifyInclusion(await leafHash(entries[0]), 0n, this.checkpoint.size, proof.hashes, this.checkpoint.root);
    } catch (e) {
      if (e instanceof VerifyError) throw new TrustError(`The genesis entry is not the one the log holds: ${e.message}`);
      throw e;
    }
    const entry = fromBinary(LogEntrySchema, entries[0]);
    const envelope = fromBinary(EnvelopeSchema, entry.envelope);
    const body = fromBinary(TxBodySchema, envelope.body);
    if (body.payload.case !== "genesis" || !equalBytes(envelope.signer, this.logKey.publicKey)) {
      throw new TrustError("Entry 0 is not a genesis signed by the log key.");
    }
    this.councilKeys = body.payload.value.councilKeys;
    this.quorum = body.payload.value.councilQuorum;
  }
}
