// Receipts, checked in the browser. A receipt handed back by Submit is kept
// here and checked against the pinned log key; any entry can also be proven
// afresh against the latest checkpoint, and against the checkpoint the
// council's witnesses cosigned.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { cosignedCheckpoint, transparency } from "../api/client";
import { ReceiptSchema, type Receipt } from "../gen/uuro/v1/ledger_pb";
import { EnvelopeSchema, LogEntrySchema, TxBodySchema, type TxBody } from "../gen/uuro/v1/transaction_pb";
import { base64Decode, base64Encode } from "../verify/bytes";
import { verifyCheckpoint, type Checkpoint } from "../verify/checkpoint";
import { nowClock, verifyCosignatures, type Cosignature } from "../verify/cosignature";
import { leafHash, verifyInclusion } from "../verify/merkle";
import { verifyReceipt } from "../verify/receipt";
import type { Trust } from "./trust";

const KEPT = "uuro.receipts";

function kept(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(KEPT) ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}

export function keepReceipt(receipt: Receipt): void {
  const all = kept();
  all[receipt.index.toString()] = base64Encode(toBinary(ReceiptSchema, receipt));
  localStorage.setItem(KEPT, JSON.stringify(all));
}

export function keptReceipt(index: bigint): Receipt | undefined {
  const raw = kept()[index.toString()];
  return raw ? fromBinary(ReceiptSchema, base64Decode(raw)) : undefined;
}

export interface Check {
  ok: boolean;
  problem?: string;
  checkpoint?: Checkpoint;
  proof?: Uint8Array[];
}

export interface ReceiptCheck {
  index: bigint;
  entry: Uint8Array;
  leaf: Uint8Array;
  body?: TxBody;
  signer?: Uint8Array;
  timeMs: bigint;
  kept?: Check; // The receipt Submit handed back, if this browser kept it.
  latest: Check; // The entry in the latest checkpoint.
  witnessed: Check & { cosignatures: Cosignature[]; quorum: number };
}

// The reason in words: a ConnectError's message would start with its status
// code ("[unavailable] ..."), which means nothing to a resident.
const problem = (e: unknown) => (e instanceof ConnectError ? e.rawMessage : e instanceof Error ? e.message : String(e));

export async function checkEntry(trust: Trust, index: bigint): Promise<ReceiptCheck> {
  const { entries } = await transparency.getEntries({ start: index, end: index + 1n });
  if (entries.length !== 1) throw new Error(`entry ${index} is not in the log`);
  const entry = entries[0];
  const leaf = await leafHash(entry);
  const out: ReceiptCheck = {
    index,
    entry,
    leaf,
    timeMs: 0n,
    latest: { ok: false },
    witnessed: { ok: false, cosignatures: [], quorum: trust.quorum },
  };
  try {
    const e = fromBinary(LogEntrySchema, entry);
    const env = fromBinary(EnvelopeSchema, e.envelope);
    out.body = fromBinary(TxBodySchema, env.body);
    out.signer = env.signer;
    out.timeMs = e.timeMs;
  } catch (e) {
    out.latest = { ok: false, problem: problem(e) };
  }
  const stored = keptReceipt(index);
  if (stored) {
    try {
      const v = await verifyReceipt(stored, trust.logKey, trust.origin);
      out.kept = { ok: true, checkpoint: v.checkpoint, proof: stored.inclusionProof };
    } catch (e) {
      out.kept = { ok: false, problem: problem(e), proof: stored.inclusionProof };
    }
  }
  try {
    const cp = await trust.refresh();
    const proof = await transparency.getInclusionProof({ index, treeSize: cp.size });
    out.latest = { ok: false, checkpoint: cp, proof: proof.hashes };
    await verifyInclusion(leaf, index, cp.size, proof.hashes, cp.root);
    out.latest.ok = true;
  } catch (e) {
    out.latest.ok = false;
    out.latest.problem = problem(e);
  }
  try {
    const res = await cosignedCheckpoint();
    if (!res) {
      out.witnessed.problem = "none";
      return out;
    }
    const cp = await verifyCheckpoint(res.checkpoint, trust.logKey, trust.origin);
    out.witnessed.checkpoint = cp;
    out.witnessed.cosignatures = await verifyCosignatures(res.checkpoint, trust.councilKeys, nowClock());
    if (cp.size <= index) {
      out.witnessed.problem = "pending";
    } else {
      const proof = await transparency.getInclusionProof({ index, treeSize: cp.size });
      out.witnessed.proof = proof.hashes;
      await verifyInclusion(leaf, index, cp.size, proof.hashes, cp.root);
      out.witnessed.ok = out.witnessed.cosignatures.length >= trust.quorum;
      if (!out.witnessed.ok) out.witnessed.problem = "few";
    }
  } catch (e) {
    out.witnessed.problem = problem(e);
  }
  return out;
}

// A receipt is shown as verified only if everything this browser holds for
// it checks out: the kept receipt (if any) and the proof to the latest
// checkpoint.
export function verified(c: ReceiptCheck): boolean {
  return c.latest.ok && (c.kept === undefined || c.kept.ok);
}
