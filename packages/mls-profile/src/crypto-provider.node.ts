/**
 * A crypto provider for ts-mls that keeps imported keys: the Node variant (package.json `imports`
 * maps `#platform` here under the `node` condition; `crypto-provider.web.ts` everywhere else).
 *
 * ts-mls's default provider goes through WebCrypto for every operation: each Ed25519 signature
 * imports the PKCS#8 private key again, each HMAC, HKDF step and AES-GCM call imports its raw key,
 * and every call waits on WebCrypto's thread pool. A profile of the application-message loop
 * showed key import and that wait dominating. This provider does the same computations with
 * Node's synchronous `node:crypto`, and caches the `KeyObject` of every signature key it has
 * seen (a bounded map), so a member's signing key and its peers' verification keys are imported
 * once. HPKE, key generation and the other signature schemes are the default provider's.
 *
 * Results are byte-for-byte those of the default provider (tested against it, and through the
 * RFC 9420 vectors).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  timingSafeEqual,
} from "node:crypto";
import type { Ciphersuite, CiphersuiteImpl, CryptoProvider, Hash, HashAlgorithm, Kdf } from "@mimi/ts-mls";
import { defaultCryptoProvider } from "@mimi/ts-mls";
import type { Hpke, Signature } from "./adapter/internals.js";
import { KeyCache } from "./key-cache.js";

const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const privateKeys = new KeyCache<KeyObject>();
const publicKeys = new KeyCache<KeyObject>();

/** Number of private and public signature keys currently cached (for tests and diagnostics). */
export function cachedKeyCount(): { readonly privateKeys: number; readonly publicKeys: number } {
  return { privateKeys: privateKeys.size, publicKeys: publicKeys.size };
}

/** Ed25519 with cached KeyObjects; private keys raw (32 bytes) or PKCS#8 (48 bytes), as ts-mls. */
function ed25519(base: Signature): Signature {
  const importPrivate = (signKey: Uint8Array): KeyObject =>
    privateKeys.get(signKey, () =>
      createPrivateKey({
        key: Buffer.from(signKey.length === 32 ? concat(ED25519_PKCS8_PREFIX, signKey) : signKey),
        format: "der",
        type: "pkcs8",
      }),
    );
  const importPublic = (publicKey: Uint8Array): KeyObject | undefined => {
    if (publicKey.length !== 32) return undefined;
    try {
      // as a JWK, not a DER SubjectPublicKeyInfo: the same key (RFC 8037 §2, the 32 octets as
      // `x`), made directly from the raw octets instead of through OpenSSL 3's DER decoder, which
      // took as long as a verification (each member's key is imported once, when a join verifies
      // its LeafNode: 45% of a 10,000-member join before, docs/big-rooms.md)
      return publicKeys.get(publicKey, () =>
        createPublicKey({
          key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") },
          format: "jwk",
        }),
      );
    } catch {
      return undefined;
    }
  };
  return {
    async sign(signKey, message) {
      return u8(nodeSign(null, message, importPrivate(signKey)));
    },
    async verify(publicKey, message, signature) {
      const key = importPublic(publicKey);
      if (key === undefined || signature.length !== 64) return false;
      return nodeVerify(null, message, key, signature);
    },
    keygen: () => base.keygen(),
  };
}

const nodeHashName: Readonly<Record<HashAlgorithm, string>> = {
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

function hash(alg: HashAlgorithm): Hash {
  const name = nodeHashName[alg];
  return {
    async digest(data) {
      return u8(createHash(name).update(data).digest());
    },
    async mac(key, data) {
      return u8(createHmac(name, key).update(data).digest());
    },
    async verifyMac(key, mac, data) {
      const expected = createHmac(name, key).update(data).digest();
      return mac.length === expected.length && timingSafeEqual(expected, mac);
    },
  };
}

/** HKDF (RFC 5869) over HMAC with `alg`, the same Extract and Expand ts-mls expects. */
function hkdf(alg: HashAlgorithm, size: number): Kdf {
  const name = nodeHashName[alg];
  return {
    async extract(salt, ikm) {
      return u8(createHmac(name, salt).update(ikm).digest());
    },
    async expand(prk, info, len) {
      if (len > 255 * size) throw new RangeError("HKDF-Expand length too large");
      const out = new Uint8Array(len);
      let t: Uint8Array = new Uint8Array(0);
      for (let i = 1, off = 0; off < len; i++) {
        t = u8(createHmac(name, prk).update(t).update(info).update(Uint8Array.of(i)).digest());
        out.set(t.subarray(0, Math.min(t.length, len - off)), off);
        off += t.length;
      }
      return out;
    },
    size,
  };
}

/** AES-GCM with a 16-byte tag appended, as ts-mls's AEAD interface. */
function aesGcm(base: Hpke, bits: 128 | 256): Pick<Hpke, "encryptAead" | "decryptAead"> {
  const name = `aes-${bits}-gcm` as const;
  const keyLength = bits / 8;
  return {
    async encryptAead(key, nonce, aad, plaintext) {
      if (key.length !== keyLength) return base.encryptAead(key, nonce, aad, plaintext);
      const c = createCipheriv(name, key, nonce);
      if (aad !== undefined && aad.length > 0) c.setAAD(aad);
      const body = c.update(plaintext);
      const final = c.final();
      const tag = c.getAuthTag();
      const out = new Uint8Array(body.length + final.length + tag.length);
      out.set(body, 0);
      out.set(final, body.length);
      out.set(tag, body.length + final.length);
      return out;
    },
    async decryptAead(key, nonce, aad, ciphertext) {
      if (key.length !== keyLength || ciphertext.length < 16)
        return base.decryptAead(key, nonce, aad, ciphertext);
      const d = createDecipheriv(name, key, nonce);
      if (aad !== undefined && aad.length > 0) d.setAAD(aad);
      d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const body = d.update(ciphertext.subarray(0, ciphertext.length - 16));
      return u8(Buffer.concat([body, d.final()]));
    },
  };
}

/** The provider's implementation of one suite: the default provider's, with the faster parts swapped in. */
async function implFor(cs: Ciphersuite): Promise<CiphersuiteImpl> {
  const base = await defaultCryptoProvider.getCiphersuiteImpl(cs);
  const aead = cs.hpke.aead;
  const hpke: Hpke =
    aead === "AES128GCM" || aead === "AES256GCM"
      ? { ...base.hpke, ...aesGcm(base.hpke, aead === "AES128GCM" ? 128 : 256) }
      : base.hpke;
  const kdfHash: HashAlgorithm =
    cs.hpke.kdf === "HKDF-SHA256" ? "SHA-256" : cs.hpke.kdf === "HKDF-SHA384" ? "SHA-384" : "SHA-512";
  return {
    ...base,
    hash: hash(cs.hash),
    kdf: hkdf(kdfHash, base.kdf.size),
    hpke,
    signature: cs.signature === "Ed25519" ? ed25519(base.signature) : base.signature,
  };
}

/**
 * The project's crypto provider for ts-mls: the default provider with Ed25519, SHA-2, HMAC, HKDF
 * and AES-GCM done by `node:crypto`, and signature keys imported once and cached.
 */
export const cachingCryptoProvider: CryptoProvider = {
  getCiphersuiteImpl: implFor,
};

/** A synchronous hash function (RFC 9420 §17.1's hash of a suite), Node's `createHash`. */
export function syncHash(alg: HashAlgorithm): (data: Uint8Array) => Uint8Array {
  const name = nodeHashName[alg];
  return (data) => u8(createHash(name).update(data).digest());
}

/** A synchronous HMAC (RFC 2104) with the hash `alg`, Node's `createHmac`. */
export function syncHmac(alg: HashAlgorithm): (key: Uint8Array, data: Uint8Array) => Uint8Array {
  const name = nodeHashName[alg];
  return (key, data) => u8(createHmac(name, key).update(data).digest());
}
