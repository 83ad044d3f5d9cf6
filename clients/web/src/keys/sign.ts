// Signs and submits a transaction exactly as the command-line client does:
// Ed25519 over "uuro/v1 transaction\n" followed by the TxBody bytes, in an
// Envelope. The receipt is verified here before anyone is told it worked.
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import type { Receipt } from "../gen/uuro/v1/ledger_pb";
import { EnvelopeSchema, TxBodySchema } from "../gen/uuro/v1/transaction_pb";
import { ledger } from "../api/client";
import { signedMessage } from "../verify/transaction";
import { bufferSource } from "../verify/bytes";
import { verifyReceipt } from "../verify/receipt";
import type { StoredKey } from "./store";
import type { Trust } from "../state/trust";

// The ledger refuses bodies that expire more than 24 hours after sequencing;
// an hour covers a slow phone connection and keeps a lost envelope short-lived.
const EXPIRY_MS = 3600 * 1000;

export type Payload = MessageInitShape<typeof TxBodySchema>["payload"];

export async function signEnvelope(
  key: StoredKey,
  origin: string,
  nonce: bigint,
  payload: Payload,
): Promise<Uint8Array> {
  const body = toBinary(
    TxBodySchema,
    create(TxBodySchema, { origin, nonce, expiresAtMs: BigInt(Date.now() + EXPIRY_MS), payload }),
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, bufferSource(signedMessage(body))),
  );
  return toBinary(EnvelopeSchema, create(EnvelopeSchema, { body, signer: key.publicKey, signature }));
}

export interface Submitted {
  receipt: Receipt;
  verified: boolean;
  problem?: string;
}

// Checks the server's identity before anything is signed, so that a
// transaction never reaches a ledger other than the pinned one.
export async function submit(trust: Trust, key: StoredKey, payload: Payload): Promise<Submitted> {
  await trust.refresh();
  const { nextNonce } = await ledger.getNextNonce({ key: key.publicKey });
  const envelope = await signEnvelope(key, trust.origin, nextNonce, payload);
  const receipt = await ledger.submit({ envelope });
  try {
    await verifyReceipt(receipt, trust.logKey, trust.origin);
    return { receipt, verified: true };
  } catch (e) {
    return { receipt, verified: false, problem: (e as Error).message };
  }
}
