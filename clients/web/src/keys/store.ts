// The signing keys of this browser: Ed25519 keys made or imported with
// WebCrypto as non-extractable, kept in IndexedDB. The secret never exists
// as bytes the page can read after import; only the public key is exported.
import { parseSecretKeyText, seedToPkcs8 } from "../verify/transaction";
import { bufferSource, toHex } from "../verify/bytes";

export interface StoredKey {
  id: string; // The public key in hex.
  publicKey: Uint8Array;
  privateKey: CryptoKey; // Non-extractable, usage "sign" only.
  label: string;
  createdAt: number;
}

const DB = "uuro";
const STORE = "keys";
const ACTIVE = "uuro.activeKey";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = f(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function listKeys(): Promise<StoredKey[]> {
  const keys = await run("readonly", (s) => s.getAll() as IDBRequest<StoredKey[]>);
  return keys.sort((a, b) => a.createdAt - b.createdAt);
}

export async function activeKey(): Promise<StoredKey | undefined> {
  const keys = await listKeys();
  const id = localStorage.getItem(ACTIVE);
  return keys.find((k) => k.id === id) ?? keys[0];
}

export function setActiveKey(id: string): void {
  localStorage.setItem(ACTIVE, id);
}

async function save(privateKey: CryptoKey, publicKey: Uint8Array, label: string): Promise<StoredKey> {
  const key: StoredKey = { id: toHex(publicKey), publicKey, privateKey, label, createdAt: Date.now() };
  await run("readwrite", (s) => s.put(key));
  setActiveKey(key.id);
  return key;
}

export async function createKey(label: string): Promise<StoredKey> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const pub = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return save(pair.privateKey, pub, label);
}

// A key card's QR text ("uuro ed25519 secret key v1" and the seed). The seed
// is imported once as extractable only to learn its public key, then again
// as non-extractable; the copies of the seed are wiped.
export async function importKeyCard(text: string, label: string): Promise<StoredKey> {
  const seed = parseSecretKeyText(text);
  const pkcs8 = seedToPkcs8(seed);
  try {
    const probe = await crypto.subtle.importKey("pkcs8", bufferSource(pkcs8), { name: "Ed25519" }, true, ["sign"]);
    const jwk = await crypto.subtle.exportKey("jwk", probe);
    const pub = base64UrlDecode(jwk.x!);
    jwk.d = "";
    const privateKey = await crypto.subtle.importKey("pkcs8", bufferSource(pkcs8), { name: "Ed25519" }, false, ["sign"]);
    return await save(privateKey, pub, label);
  } finally {
    seed.fill(0);
    pkcs8.fill(0);
  }
}

export async function forgetKey(id: string): Promise<void> {
  await run("readwrite", (s) => s.delete(id));
  if (localStorage.getItem(ACTIVE) === id) localStorage.removeItem(ACTIVE);
}

function base64UrlDecode(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(s.length / 4) * 4, "="));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}
