// RFC 9162 section 2.1 with SHA-256, as ledger/tlog/merkle_verify.cc: the
// same steps and the same refusals, so a proof the server's C++ accepts is
// exactly one the browser accepts.
import { equalBytes, sha256 } from "./bytes";
import { VerifyError } from "./errors";

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(LEAF_PREFIX, entry);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(NODE_PREFIX, left, right);
}

export function emptyTreeRoot(): Promise<Uint8Array> {
  return sha256();
}

const isOdd = (v: bigint) => (v & 1n) === 1n;

function checkHash(h: Uint8Array, what: string) {
  if (h.length !== 32) throw new VerifyError(`${what} is not 32 bytes`);
}

// fn and sn track the proven node and the tree's last node at each level;
// hashes left over once sn reaches 0 make a proof too long, sn above 0 at
// the end makes it too short.
export async function verifyInclusion(
  leaf: Uint8Array,
  index: bigint,
  size: bigint,
  proof: Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  if (index < 0n || index >= size) {
    throw new VerifyError(
      `inclusion proof: leaf index ${index} is not below tree size ${size}`,
    );
  }
  checkHash(leaf, "the leaf hash");
  checkHash(root, "the root hash");
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    checkHash(p, "a proof hash");
    if (sn === 0n) {
      throw new VerifyError(
        `inclusion proof is too long: ${proof.length} hashes for leaf ${index} in a tree of size ${size}`,
      );
    }
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) {
    throw new VerifyError(
      `inclusion proof is too short: ${proof.length} hashes for leaf ${index} in a tree of size ${size}`,
    );
  }
  if (!equalBytes(r, root)) {
    throw new VerifyError(
      `inclusion proof for leaf ${index} in a tree of size ${size} does not lead to the expected root`,
    );
  }
}

// Old size 0 is refused as in the C++: every tree extends the empty one,
// so such a "proof" would prove nothing.
export async function verifyConsistency(
  oldSize: bigint,
  newSize: bigint,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: Uint8Array[],
): Promise<void> {
  const between = `consistency proof from size ${oldSize} to ${newSize}`;
  if (oldSize <= 0n || oldSize > newSize) {
    throw new VerifyError(
      `consistency proof: need 0 < old size <= new size, got old size ${oldSize} and new size ${newSize}`,
    );
  }
  checkHash(oldRoot, "the old root hash");
  checkHash(newRoot, "the new root hash");
  for (const p of proof) checkHash(p, "a proof hash");
  if (oldSize === newSize) {
    if (proof.length !== 0) {
      throw new VerifyError(
        `consistency proof between equal sizes must be empty, got ${proof.length} hashes`,
      );
    }
    if (!equalBytes(oldRoot, newRoot)) {
      throw new VerifyError(`two different roots for the same tree size ${oldSize}`);
    }
    return;
  }
  if (proof.length === 0) {
    throw new VerifyError(`${between} is too short: 0 hashes`);
  }
  // A power-of-two old tree is one node of the new tree, so the proof leaves
  // out its root and the verifier starts from oldRoot.
  let next = 0;
  let fr = oldRoot;
  if ((oldSize & (oldSize - 1n)) !== 0n) fr = proof[next++]!;
  let sr = fr;
  let fn = oldSize - 1n;
  let sn = newSize - 1n;
  while (isOdd(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  for (; next < proof.length; next++) {
    const c = proof[next]!;
    if (sn === 0n) {
      throw new VerifyError(`${between} is too long: ${proof.length} hashes`);
    }
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) {
    throw new VerifyError(`${between} is too short: ${proof.length} hashes`);
  }
  if (!equalBytes(fr, oldRoot)) {
    throw new VerifyError(`${between} does not lead to the old root`);
  }
  if (!equalBytes(sr, newRoot)) {
    throw new VerifyError(`${between} does not lead to the new root`);
  }
}

// RFC 6962 section 2.1 by recursion over leaf hashes; slow, for tests and
// small trees only.
export async function rootFromLeaves(leaves: Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 0) return emptyTreeRoot();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(
    await rootFromLeaves(leaves.slice(0, k)),
    await rootFromLeaves(leaves.slice(k)),
  );
}
