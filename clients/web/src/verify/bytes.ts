// Byte helpers with the same strictness as ledger/tlog/bytes.cc: a signed
// text has exactly one encoding, so anything but canonical base64 is refused.
import { VerifyError } from "./errors";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE: Record<string, number> = Object.fromEntries(
  [...B64].map((c, i) => [c, i]),
);

export function base64Encode(data: Uint8Array): string {
  let out = "";
  for (let i = 0; i < data.length; i += 3) {
    const n = (data[i]! << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < data.length ? B64[(n >> 6) & 63]! : "=";
    out += i + 2 < data.length ? B64[n & 63]! : "=";
  }
  return out;
}

// Standard alphabet with padding; throws VerifyError on anything else,
// including non-zero padding bits, which would give one value two spellings.
export function base64Decode(text: string): Uint8Array {
  const bad = () => new VerifyError("text is not canonical base64");
  if (text.length % 4 !== 0) throw bad();
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text[i + j]!;
      const last = i + 4 === text.length;
      if (c === "=" && last && j >= 4 - pad) {
        n <<= 6;
        continue;
      }
      const v = B64_VALUE[c];
      if (v === undefined) throw bad();
      n = (n << 6) | v;
    }
    const three = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    for (const b of three) if (o < out.length) out[o++] = b;
  }
  if (base64Encode(out) !== text) throw bad();
  return out;
}

export function toHex(data: Uint8Array): string {
  let out = "";
  for (const b of data) out += b.toString(16).padStart(2, "0");
  return out;
}

// Either case, as the C++ FromHex; throws on odd lengths and other digits.
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new VerifyError("text is not hex");
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// Looks at every byte whatever the first difference, so timing does not
// tell how much of a hash an attacker got right.
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function readUint64BE(data: Uint8Array, offset = 0): bigint {
  if (data.length < offset + 8) throw new VerifyError("fewer than 8 bytes");
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(data[offset + i]!);
  return v;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

// Fatal, so invalid UTF-8 is an error rather than silently replaced.
export function fromUtf8(data: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true }).decode(data);
}

// WebCrypto's types want bytes backed by a plain ArrayBuffer; a copy is the
// one way to guarantee that for any Uint8Array.
export function bufferSource(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const digest = await globalThis.crypto.subtle.digest(
    "SHA-256",
    bufferSource(concat(...parts)),
  );
  return new Uint8Array(digest);
}

// Ed25519 verification; a key WebCrypto will not import verifies nothing.
export async function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = await globalThis.crypto.subtle.importKey(
      "raw",
      bufferSource(publicKey),
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    return await globalThis.crypto.subtle.verify(
      { name: "Ed25519" },
      key,
      bufferSource(signature),
      bufferSource(message),
    );
  } catch {
    return false;
  }
}
