// Signed transactions as ledger/fund/transaction.cc makes and checks them:
// Ed25519 over a fixed context followed by the TxBody bytes, and secret key
// texts as ledger/tlog/keys.cc writes them (key files, key card QR codes).
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  EnvelopeSchema,
  TxBodySchema,
  type TxBody,
} from "../gen/uuro/v1/transaction_pb";
import {
  base64Decode,
  base64Encode,
  bufferSource,
  concat,
  ed25519Verify,
  equalBytes,
  fromHex,
  utf8,
} from "./bytes";
import { VerifyError } from "./errors";

// Prefixed to the body so a transaction signature is never also valid as a
// note signature or anything else the same key signs.
export const TX_CONTEXT = "uuro/v1 transaction\n";
// Leaves room in a log entry for the sequencer's fields.
export const MAX_ENVELOPE_SIZE = 60000;
const KEY_FILE_HEADER = "uuro ed25519 secret key v1";
// RFC 8410: the DER of a PKCS #8 Ed25519 private key, up to the seed.
const PKCS8_ED25519_PREFIX = fromHex("302e020100300506032b657004220420");

export function signedMessage(body: Uint8Array): Uint8Array {
  return concat(utf8(TX_CONTEXT), body);
}

// The seed in a key text. Spaces, tabs, CRs and blank lines are ignored,
// as the C++ does, since the text may have been copied or scanned.
export function parseSecretKeyText(text: string): Uint8Array {
  const lines = text
    .split("\n")
    .map((line) => line.replace(/[\r \t]/g, ""))
    .filter((line) => line !== "");
  const notKey = () => new VerifyError("the text is not a uuro secret key");
  if (lines.length !== 2 || lines[0] !== KEY_FILE_HEADER.replace(/ /g, "")) {
    throw notKey();
  }
  let seed: Uint8Array;
  try {
    seed = base64Decode(lines[1]!);
  } catch {
    throw notKey();
  }
  if (seed.length !== 32) throw notKey();
  return seed;
}

export function secretKeyText(seed: Uint8Array): string {
  if (seed.length !== 32) throw new VerifyError("an Ed25519 seed is 32 bytes");
  return `${KEY_FILE_HEADER}\n${base64Encode(seed)}\n`;
}

// WebCrypto imports Ed25519 secret keys only as PKCS #8 or JWK.
export function seedToPkcs8(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new VerifyError("an Ed25519 seed is 32 bytes");
  return concat(PKCS8_ED25519_PREFIX, seed);
}

function base64UrlDecode(text: string): Uint8Array {
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  return base64Decode(std + "=".repeat((4 - (std.length % 4)) % 4));
}

// Signs `body` (serialized TxBody bytes) with the key of `seed`; returns the
// public key too, read back from WebCrypto, since an Envelope carries it.
export async function signTransactionBody(
  seed: Uint8Array,
  body: Uint8Array,
): Promise<{ signer: Uint8Array; signature: Uint8Array }> {
  const key = await globalThis.crypto.subtle.importKey(
    "pkcs8",
    bufferSource(seedToPkcs8(seed)),
    { name: "Ed25519" },
    true,
    ["sign"],
  );
  const jwk = await globalThis.crypto.subtle.exportKey("jwk", key);
  if (jwk.x === undefined) throw new Error("WebCrypto gave no public key");
  const signature = await globalThis.crypto.subtle.sign(
    { name: "Ed25519" },
    key,
    bufferSource(signedMessage(body)),
  );
  return { signer: base64UrlDecode(jwk.x), signature: new Uint8Array(signature) };
}

// Bytes that re-encode to themselves: the server refuses any other encoding
// (an unknown field, say), so the browser must not accept one either.
function decodeCanonical<T>(
  decode: (opts: { readUnknownFields: boolean }) => T,
  encode: (msg: T) => Uint8Array,
  bytes: Uint8Array,
  what: string,
): T {
  let msg: T;
  try {
    msg = decode({ readUnknownFields: false });
  } catch {
    throw new VerifyError(`${what} does not decode`);
  }
  if (!equalBytes(encode(msg), bytes)) {
    throw new VerifyError(
      `${what} is not canonically encoded or has a field this ledger does not know`,
    );
  }
  return msg;
}

// As DecodeEnvelope in the C++ (steps 1 and 2 of docs/fund-rules.md).
export async function verifyTransactionSignature(
  envelopeBytes: Uint8Array,
): Promise<{ signer: Uint8Array; body: TxBody; bodyBytes: Uint8Array }> {
  if (envelopeBytes.length > MAX_ENVELOPE_SIZE) {
    throw new VerifyError(
      `the envelope is ${envelopeBytes.length} bytes; the limit is ${MAX_ENVELOPE_SIZE}`,
    );
  }
  const envelope = decodeCanonical(
    (opts) => fromBinary(EnvelopeSchema, envelopeBytes, opts),
    (msg) => toBinary(EnvelopeSchema, msg),
    envelopeBytes,
    "the envelope",
  );
  if (envelope.signer.length !== 32) {
    throw new VerifyError(
      `the signer key is ${envelope.signer.length} bytes; an Ed25519 key is 32`,
    );
  }
  if (envelope.signature.length !== 64) {
    throw new VerifyError(
      `the signature is ${envelope.signature.length} bytes; an Ed25519 signature is 64`,
    );
  }
  const body = decodeCanonical(
    (opts) => fromBinary(TxBodySchema, envelope.body, opts),
    (msg) => toBinary(TxBodySchema, msg),
    envelope.body,
    "the transaction body",
  );
  if (body.payload.case === undefined) {
    throw new VerifyError("the transaction body has no payload this ledger knows");
  }
  if (!(await ed25519Verify(envelope.signer, signedMessage(envelope.body), envelope.signature))) {
    throw new VerifyError("the signature does not verify for the signer key and body");
  }
  return { signer: envelope.signer, body, bodyBytes: envelope.body };
}
