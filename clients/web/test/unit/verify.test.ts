// The web app's verification code against the known answers that the C++
// tests check too (tests/vectors/tlog_vectors.json, made by the C++ code):
// every case the C++ accepts must be accepted here, every refusal refused.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  VerifyError,
  base64Decode,
  base64Encode,
  cosignerKeyId,
  emptyTreeRoot,
  formatVerifierKey,
  fromHex,
  leafHash,
  nodeHash,
  parseCheckpointText,
  parseSecretKeyText,
  parseVerifierKey,
  rootFromLeaves,
  secretKeyText,
  signTransactionBody,
  signedMessage,
  toHex,
  utf8,
  verifyCheckpoint,
  verifyConsistency,
  verifyCosignatures,
  verifyEntryInCheckpoint,
  verifyInclusion,
  verifyReceipt,
  verifyTransactionSignature,
} from "../../src/verify";

const V: any = JSON.parse(
  readFileSync(new URL("../../../../tests/vectors/tlog_vectors.json", import.meta.url), "utf8"),
);

const hexes = (list: string[]) => list.map(fromHex);

// Resolves to "ok" or to the VerifyError's reason; other errors are bugs
// and fail the test.
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof VerifyError) return e.reason;
    throw e;
  }
}

describe("bytes", () => {
  it("round-trips base64 and refuses non-canonical text", () => {
    for (let n = 0; n < 8; n++) {
      const b = new Uint8Array(n).map((_, i) => i * 37 + 200);
      expect(base64Decode(base64Encode(b))).toEqual(b);
    }
    expect(base64Encode(utf8("foobar"))).toBe("Zm9vYmFy");
    expect(base64Encode(utf8("fo"))).toBe("Zm8=");
    for (const bad of ["Zm8", "Zm9=", "Zm8=Zm8=", "Z===", "Zm 8=", "Zm-_", "=Zm8"]) {
      expect(() => base64Decode(bad), bad).toThrow(VerifyError);
    }
  });
});

describe("Merkle tree", () => {
  const leaves = V.hashes.leaves as { entry: string; leaf_hash: string }[];

  it("hashes leaves and nodes as the C++ does", async () => {
    expect(toHex(await emptyTreeRoot())).toBe(V.hashes.empty_root);
    for (const l of leaves) {
      expect(toHex(await leafHash(fromHex(l.entry)))).toBe(l.leaf_hash);
    }
    for (const n of V.hashes.nodes) {
      expect(toHex(await nodeHash(fromHex(n.left), fromHex(n.right)))).toBe(n.hash);
    }
  });

  it("computes the roots of every tree size", async () => {
    expect(V.roots.length).toBeGreaterThan(5);
    for (const r of V.roots) {
      const hashes = leaves.slice(0, r.size).map((l) => fromHex(l.leaf_hash));
      expect(toHex(await rootFromLeaves(hashes)), `size ${r.size}`).toBe(r.root);
    }
  });

  it("accepts and refuses inclusion proofs as the C++ does", async () => {
    expect(V.inclusion.some((c: any) => !c.valid)).toBe(true);
    for (const c of V.inclusion) {
      const got = await outcome(
        verifyInclusion(
          fromHex(c.leaf_hash),
          BigInt(c.index),
          BigInt(c.size),
          hexes(c.proof),
          fromHex(c.root),
        ),
      );
      expect(got === "ok", `${c.name}: ${got}`).toBe(c.valid);
    }
  });

  it("accepts and refuses consistency proofs as the C++ does", async () => {
    expect(V.consistency.some((c: any) => !c.valid)).toBe(true);
    for (const c of V.consistency) {
      const got = await outcome(
        verifyConsistency(
          BigInt(c.old_size),
          BigInt(c.new_size),
          fromHex(c.old_root),
          fromHex(c.new_root),
          hexes(c.proof),
        ),
      );
      expect(got === "ok", `${c.name}: ${got}`).toBe(c.valid);
    }
  });
});

describe("signed notes", () => {
  it("parses verifier keys strictly", async () => {
    for (const k of V.verifier_keys) {
      const got = await outcome(parseVerifierKey(k.text));
      expect(got === "ok", `${k.text}: ${got}`).toBe(k.valid);
      if (!k.valid) continue;
      const key = await parseVerifierKey(k.text);
      expect(key.name).toBe(k.name);
      expect(toHex(key.keyId)).toBe(k.key_id);
      expect(toHex(key.publicKey)).toBe(k.public_key);
      expect(formatVerifierKey(key)).toBe(k.text);
    }
  });

  it("opens checkpoints signed by the pinned key for the expected origin only", async () => {
    for (const c of V.checkpoints) {
      const key = await parseVerifierKey(c.key);
      const got = await outcome(verifyCheckpoint(c.note, key, c.origin));
      expect(got === "ok", `${c.name}: ${got}`).toBe(c.valid);
      if (!c.valid) continue;
      const cp = await verifyCheckpoint(c.note, key, c.origin);
      expect(cp.size).toBe(BigInt(c.size));
      expect(toHex(cp.root)).toBe(c.root);
      expect(cp.origin).toBe(c.origin);
      expect(cp.note).toBe(c.note);
      expect(c.note.startsWith(cp.text)).toBe(true);
    }
  });

  it("refuses malformed checkpoint text", () => {
    const root = base64Encode(new Uint8Array(32));
    for (const bad of [
      `o\n1\n${root}`,
      `o\n-1\n${root}\n`,
      `o\n18446744073709551616\n${root}\n`,
      `\n1\n${root}\n`,
      `o\n1\n${root.slice(4)}\n`,
      `o\n1\n${root}\n\n`,
      `o\n1\n`,
    ]) {
      expect(() => parseCheckpointText(bad), JSON.stringify(bad)).toThrow(VerifyError);
    }
    expect(parseCheckpointText(`o\n18446744073709551615\n${root}\n`).size).toBe(
      18446744073709551615n,
    );
  });
});

describe("cosignatures", () => {
  const C = V.cosignatures;

  it("computes cosigner key ids", async () => {
    for (const k of C.cosigner_keys) {
      expect(toHex(await cosignerKeyId(k.name, fromHex(k.public_key)))).toBe(k.key_id);
    }
  });

  it("counts each council key at most once and skips the rest", async () => {
    const logKey = await parseVerifierKey(C.log_key);
    for (const c of C.cases) {
      await verifyCheckpoint(c.note, logKey, C.origin);
      const got = await verifyCosignatures(c.note, hexes(c.council_keys));
      expect(
        got.map((g) => ({
          name: g.name,
          public_key: toHex(g.publicKey),
          timestamp: Number(g.timestamp),
        })),
        c.name,
      ).toEqual(c.expected);
    }
  });

  it("skips cosignatures dated more than five minutes ahead of the clock", async () => {
    const c = C.cases.find((x: any) => x.expected.length > 0);
    const stamps = c.expected.map((e: any) => BigInt(e.timestamp));
    const newest = stamps.reduce((a: bigint, b: bigint) => (a > b ? a : b));
    const keys = hexes(c.council_keys);
    expect(await verifyCosignatures(c.note, keys, { nowSeconds: newest - 300n })).toHaveLength(c.expected.length);
    const early = await verifyCosignatures(c.note, keys, { nowSeconds: newest - 301n });
    expect(early.every((g) => g.timestamp <= newest - 1n)).toBe(true);
    expect(early.length).toBeLessThan(c.expected.length);
  });
});

describe("receipts", () => {
  const R = V.receipts;

  it("accepts and refuses receipts as the C++ does", async () => {
    const key = await parseVerifierKey(R.log_key);
    expect(R.cases.some((c: any) => !c.valid)).toBe(true);
    for (const c of R.cases) {
      const receipt = {
        index: BigInt(c.index),
        leafHash: fromHex(c.leaf_hash),
        entry: fromHex(c.entry),
        checkpoint: c.checkpoint,
        inclusionProof: hexes(c.inclusion_proof),
      };
      const got = await outcome(verifyReceipt(receipt, key, R.origin));
      expect(got === "ok", `${c.name}: ${got}`).toBe(c.valid);
      if (!c.valid) continue;
      const { checkpoint, index } = await verifyReceipt(receipt, key, R.origin);
      expect(index).toBe(receipt.index);
      await verifyEntryInCheckpoint(receipt.entry, index, receipt.inclusionProof, checkpoint);
      const other = await outcome(
        verifyEntryInCheckpoint(receipt.entry, index + 1n, receipt.inclusionProof, checkpoint),
      );
      expect(other).toMatch(/is not proven in the tree of/);
    }
  });
});

describe("transactions", () => {
  const T = V.transaction;

  it("signs as libsodium does (Ed25519 is deterministic)", async () => {
    expect(new TextDecoder().decode(signedMessage(new Uint8Array()))).toBe(T.context);
    const { signer, signature } = await signTransactionBody(fromHex(T.seed), fromHex(T.body));
    expect(toHex(signer)).toBe(T.public_key);
    expect(toHex(signature)).toBe(T.signature);
  });

  it("accepts and refuses envelopes as the C++ does", async () => {
    for (const c of T.envelopes) {
      const got = await outcome(verifyTransactionSignature(fromHex(c.envelope)));
      expect(got === "ok", `${c.name}: ${got}`).toBe(c.valid);
    }
    const ok = await verifyTransactionSignature(fromHex(T.envelopes[0].envelope));
    expect(toHex(ok.signer)).toBe(T.public_key);
    expect(toHex(ok.bodyBytes)).toBe(T.body);
    expect(ok.body.payload.case).toBe("award");
  });

  it("reads secret key texts as the C++ does", () => {
    for (const t of T.secret_key_texts) {
      if (t.seed === null) {
        expect(() => parseSecretKeyText(t.text), JSON.stringify(t.text)).toThrow(VerifyError);
      } else {
        expect(toHex(parseSecretKeyText(t.text))).toBe(t.seed);
      }
    }
    expect(secretKeyText(fromHex(T.seed))).toBe(T.secret_key_texts[0].text);
  });
});
