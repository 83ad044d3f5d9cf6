// Checking a receipt offline, as ledger/fund/receipt.cc: the proof that an
// accepted transaction is in the log, needing only the pinned log key.
import { equalBytes } from "./bytes";
import { type Checkpoint, verifyCheckpoint } from "./checkpoint";
import { VerifyError } from "./errors";
import { leafHash, verifyInclusion } from "./merkle";
import type { VerifierKey } from "./note";

// The fields of uuro.v1.Receipt; a Receipt message from the generated
// protobuf types has this shape.
export interface ReceiptFields {
  index: bigint;
  leafHash: Uint8Array;
  entry: Uint8Array; // A serialized LogEntry.
  checkpoint: string; // The signed checkpoint note.
  inclusionProof: Uint8Array[];
}

export async function verifyEntryInCheckpoint(
  entry: Uint8Array,
  index: bigint,
  proof: Uint8Array[],
  checkpoint: Pick<Checkpoint, "size" | "root">,
): Promise<void> {
  for (const h of proof) {
    if (h.length !== 32) throw new VerifyError("a proof hash is not 32 bytes");
  }
  try {
    await verifyInclusion(await leafHash(entry), index, checkpoint.size, proof, checkpoint.root);
  } catch (e) {
    if (!(e instanceof VerifyError)) throw e;
    throw new VerifyError(
      `entry ${index} is not proven in the tree of ${checkpoint.size}: ${e.reason}`,
    );
  }
}

// The leaf hash must be the entry's own, so that what the receipt shows is
// what the proof covers.
export async function verifyReceipt(
  r: ReceiptFields,
  key: VerifierKey,
  origin: string,
): Promise<{ checkpoint: Checkpoint; index: bigint }> {
  const checkpoint = await verifyCheckpoint(r.checkpoint, key, origin);
  if (!equalBytes(await leafHash(r.entry), r.leafHash)) {
    throw new VerifyError("the receipt's leaf hash is not the hash of its entry");
  }
  await verifyEntryInCheckpoint(r.entry, r.index, r.inclusionProof, checkpoint);
  return { checkpoint, index: r.index };
}
