// The reference Connect client (connect-node) against a real uurod: signs an
// award in Node exactly as the C++ client does (Ed25519 over the context
// "uuro/v1 transaction\n" followed by the TxBody bytes), submits it, and
// prints the receipt (binary, base64) for the caller to verify. Then submits
// another body with the same nonce and prints the Connect error code.
//
//   node submit_award.mjs URL ORIGIN SEED_HEX ROUND INITIATIVE AMOUNT json|binary
import crypto from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { Ledger, ReceiptSchema } from "./gen/uuro/v1/ledger_pb.js";
import { EnvelopeSchema, TxBodySchema } from "./gen/uuro/v1/transaction_pb.js";

const [url, origin, seedHex, round, initiative, amount, format] =
  process.argv.slice(2);
const kTxContext = Buffer.from("uuro/v1 transaction\n");
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const kPkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

const secret = crypto.createPrivateKey({
  key: Buffer.concat([kPkcs8Prefix, Buffer.from(seedHex, "hex")]),
  format: "der",
  type: "pkcs8",
});
const signer = crypto
  .createPublicKey(secret)
  .export({ format: "der", type: "spki" })
  .subarray(-32);

const transport = createConnectTransport({
  baseUrl: url,
  httpVersion: "1.1",
  useBinaryFormat: format === "binary",
});
const ledger = createClient(Ledger, transport);

function sign(nonce, credits) {
  const body = toBinary(
    TxBodySchema,
    create(TxBodySchema, {
      origin,
      nonce,
      expiresAtMs: BigInt(Date.now() + 3600 * 1000),
      payload: {
        case: "award",
        value: {
          roundId: BigInt(round),
          initiativeId: BigInt(initiative),
          amount: BigInt(credits),
        },
      },
    }),
  );
  const signature = crypto.sign(null, Buffer.concat([kTxContext, body]), secret);
  return toBinary(
    EnvelopeSchema,
    create(EnvelopeSchema, { body, signer, signature }),
  );
}

const { nextNonce } = await ledger.getNextNonce({ key: signer });
const receipt = await ledger.submit({ envelope: sign(nextNonce, amount) });
console.log(
  "receipt=" + Buffer.from(toBinary(ReceiptSchema, receipt)).toString("base64"),
);
try {
  await ledger.submit({ envelope: sign(nextNonce, 1) });
  console.log("replay=accepted");
} catch (err) {
  const code = ConnectError.from(err).code;
  console.log("replay=" + (code === Code.AlreadyExists ? "already_exists" : Code[code]));
}
