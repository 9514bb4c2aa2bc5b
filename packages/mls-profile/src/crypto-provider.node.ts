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
 * once. X25519 HPKE private keys are made through JWK rather than PKCS#8 (see `x25519Keys`). HPKE's
 * sealing and opening, key generation and the other signature schemes are the default provider's.
 *
 * Results are byte-for-byte those of the default provider (tested against it, and through the
 * RFC 9420 vectors).
 */
import {
  type CipherGCM,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type DecipherGCM,
  diffieHellman,
  KeyObject,
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
      // T(i) = HMAC(PRK, T(i-1) | info | i), each block's input made in one buffer (one `update`)
      const input = new Uint8Array(size + info.length + 1);
      let t: Uint8Array | undefined;
      for (let i = 1, off = 0; off < len; i++) {
        const prefix = t === undefined ? 0 : size;
        if (t !== undefined) input.set(t, 0);
        input.set(info, prefix);
        input[prefix + info.length] = i;
        t = u8(
          createHmac(name, prk)
            .update(input.subarray(0, prefix + info.length + 1))
            .digest(),
        );
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

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** RFC 9180 §4: "HPKE-v1" ‖ suite_id, with the KEM's suite_id "KEM" ‖ I2OSP(0x0020, 2). */
const X25519_LABEL_PREFIX = concat(utf8("HPKE-v1"), concat(utf8("KEM"), Uint8Array.of(0x00, 0x20)));
// any 32 bytes: Node makes an OKP private key from `d` alone and only asks that `x` be present
// (the public key read back from it is checked: see x25519FromSecret, and WebCrypto's import)
const PLACEHOLDER_X = Buffer.alloc(32).toString("base64url");

/**
 * An X25519 private key from its 32 octets, and its public key's octets, through JWK (Node derives
 * the pair from `d`; the public key is refused if it comes back as the placeholder).
 */
function x25519FromSecret(sk: Uint8Array): {
  readonly privateKey: KeyObject;
  readonly publicKey: Uint8Array;
} {
  const privateKey = createPrivateKey({
    key: { kty: "OKP", crv: "X25519", d: Buffer.from(sk).toString("base64url"), x: PLACEHOLDER_X },
    format: "jwk",
  });
  const { x } = createPublicKey(privateKey).export({ format: "jwk" });
  if (x === undefined || x === PLACEHOLDER_X) throw new RangeError("X25519 public key not derived");
  return { privateKey, publicKey: Buffer.from(x, "base64url") };
}

/**
 * DHKEM(X25519, HKDF-SHA256) private keys (RFC 9180 §7.1) made from their 32 octets through JWK.
 * The default provider (hpke-js) imports each one as PKCS#8, which goes through OpenSSL's DER
 * decoder and cost half a millisecond a key, a third of a commit with an UpdatePath (each path
 * node's key pair is derived from its path secret). The keys are WebCrypto `CryptoKey`s, as the
 * default provider's seal and open need; any other length goes to the default provider.
 */
export function x25519Keys(base: Hpke): Pick<Hpke, "importPrivateKey" | "deriveKeyPair"> {
  const keyPair = async (sk: Uint8Array) => {
    const d = Buffer.from(sk).toString("base64url");
    const x = Buffer.from(x25519FromSecret(sk).publicKey).toString("base64url");
    const jwk = { kty: "OKP", crv: "X25519", d, x };
    const [privateKey, publicKey] = await Promise.all([
      crypto.subtle.importKey("jwk", jwk, { name: "X25519" }, true, ["deriveBits"]),
      crypto.subtle.importKey("raw", Buffer.from(x, "base64url"), { name: "X25519" }, true, []),
    ]);
    return { privateKey, publicKey } as Awaited<ReturnType<Hpke["deriveKeyPair"]>>;
  };
  return {
    async importPrivateKey(k) {
      if (k.length !== 32) return base.importPrivateKey(k);
      try {
        return (await keyPair(k)).privateKey;
      } catch {
        return base.importPrivateKey(k);
      }
    },
    // RFC 9180 §7.1.3: dkp_prk = LabeledExtract("", "dkp_prk", ikm); sk = LabeledExpand(dkp_prk, "sk", "", 32)
    async deriveKeyPair(ikm) {
      const prk = createHmac("sha256", new Uint8Array(0))
        .update(X25519_LABEL_PREFIX)
        .update(utf8("dkp_prk"))
        .update(ikm)
        .digest();
      const info = concat(Uint8Array.of(0x00, 0x20), concat(X25519_LABEL_PREFIX, utf8("sk")));
      const sk = u8(createHmac("sha256", prk).update(info).update(Uint8Array.of(1)).digest());
      return keyPair(sk);
    },
  };
}

const HPKE_AEADS = {
  AES128GCM: { id: 0x0001, cipher: "aes-128-gcm", nk: 16 },
  AES256GCM: { id: 0x0002, cipher: "aes-256-gcm", nk: 32 },
  CHACHA20POLY1305: { id: 0x0003, cipher: "chacha20-poly1305", nk: 32 },
} as const;

/**
 * RFC 9180 base-mode single-shot `seal` and `open` for DHKEM(X25519, HKDF-SHA256) with HKDF-SHA256
 * and `aead`, with `node:crypto` (§4 labeled HKDF, §4.1 DHKEM, §5.1 key schedule, §5.2 AEAD with
 * sequence number 0). The default provider (hpke-js) makes every ephemeral key of a `seal` through
 * a PKCS#8 import (half a millisecond in OpenSSL's DER decoder), and an UpdatePath seals once per
 * copath node. Keys are the WebCrypto `CryptoKey`s the rest of the provider uses. Anything this
 * cannot do, and every failure, goes to the default provider, so errors are its own.
 */
export function x25519Hpke(base: Hpke, aead: keyof typeof HPKE_AEADS): Pick<Hpke, "seal" | "open"> {
  const { id, cipher, nk } = HPKE_AEADS[aead];
  const kemPrefix = X25519_LABEL_PREFIX;
  const hpkePrefix = concat(
    utf8("HPKE-v1"),
    concat(utf8("HPKE"), Uint8Array.of(0x00, 0x20, 0x00, 0x01, 0x00, id)),
  );
  const extract = (prefix: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Buffer =>
    createHmac("sha256", salt).update(prefix).update(utf8(label)).update(ikm).digest();
  const expand = (
    prefix: Uint8Array,
    prk: Uint8Array,
    label: string,
    info: Uint8Array,
    length: number,
  ): Buffer =>
    createHmac("sha256", prk)
      .update(Uint8Array.of(0, length))
      .update(prefix)
      .update(utf8(label))
      .update(info)
      .update(Uint8Array.of(1))
      .digest()
      .subarray(0, length);
  const empty = new Uint8Array(0);
  const rawPublic = (k: KeyObject): Uint8Array => {
    const { x } = k.export({ format: "jwk" });
    if (x === undefined) throw new RangeError("not an OKP key");
    return Buffer.from(x, "base64url");
  };
  const publicFromRaw = (raw: Uint8Array): KeyObject =>
    createPublicKey({
      key: { kty: "OKP", crv: "X25519", x: Buffer.from(raw).toString("base64url") },
      format: "jwk",
    });
  /** §4.1 ExtractAndExpand, then §5.1 KeySchedule in base mode: the AEAD key and base nonce. */
  const schedule = (dh: Buffer, enc: Uint8Array, pkR: Uint8Array, info: Uint8Array) => {
    // [MLS-HPKE-01] RFC 9180 §7.1.4: the all-zero X25519 output is refused (OpenSSL refuses it
    // first; this holds if another build does not)
    if (dh.every((b) => b === 0)) throw new RangeError("X25519 shared secret is zero");
    const eaePrk = extract(kemPrefix, empty, "eae_prk", dh);
    const shared = expand(kemPrefix, eaePrk, "shared_secret", concat(enc, pkR), 32);
    const context = concat(
      Uint8Array.of(0x00),
      concat(extract(hpkePrefix, empty, "psk_id_hash", empty), extract(hpkePrefix, empty, "info_hash", info)),
    );
    const secret = extract(hpkePrefix, shared, "secret", empty);
    return {
      key: expand(hpkePrefix, secret, "key", context, nk),
      nonce: expand(hpkePrefix, secret, "base_nonce", context, 12),
    };
  };
  return {
    async seal(publicKey, plaintext, info, aad) {
      try {
        const recipient = KeyObject.from(publicKey);
        // the ephemeral secret from WebCrypto's generator, as the default provider draws it (the
        // seeded sections of vector generation replace that generator), made into a key as above
        const ephemeral = x25519FromSecret(crypto.getRandomValues(new Uint8Array(32)));
        const enc = ephemeral.publicKey;
        const dh = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
        const { key, nonce } = schedule(dh, enc, rawPublic(recipient), info);
        // the three AEADs take the same calls (GCM and ChaCha20-Poly1305, 16-byte tags)
        const c = createCipheriv(cipher as "aes-128-gcm", key, nonce, {
          authTagLength: 16,
        }) as unknown as CipherGCM;
        if (aad !== undefined && aad.length > 0) c.setAAD(aad);
        const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
        return { ct: u8(ct), enc };
      } catch {
        return base.seal(publicKey, plaintext, info, aad);
      }
    },
    async open(privateKey, kemOutput, ciphertext, info, aad) {
      try {
        if (kemOutput.length !== 32 || ciphertext.length < 16) throw new RangeError("malformed");
        const own = KeyObject.from(privateKey);
        const dh = diffieHellman({ privateKey: own, publicKey: publicFromRaw(kemOutput) });
        const { key, nonce } = schedule(dh, kemOutput, rawPublic(createPublicKey(own)), info);
        const d = createDecipheriv(cipher as "aes-128-gcm", key, nonce, {
          authTagLength: 16,
        }) as unknown as DecipherGCM;
        if (aad !== undefined && aad.length > 0) d.setAAD(aad);
        d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
        return u8(Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - 16)), d.final()]));
      } catch {
        return base.open(privateKey, kemOutput, ciphertext, info, aad);
      }
    },
  };
}

/** The provider's implementation of one suite: the default provider's, with the faster parts swapped in. */
async function implFor(cs: Ciphersuite): Promise<CiphersuiteImpl> {
  const base = await defaultCryptoProvider.getCiphersuiteImpl(cs);
  const aead = cs.hpke.aead;
  const withAead: Hpke =
    aead === "AES128GCM" || aead === "AES256GCM"
      ? { ...base.hpke, ...aesGcm(base.hpke, aead === "AES128GCM" ? 128 : 256) }
      : base.hpke;
  const hpke: Hpke =
    cs.hpke.kem === "DHKEM-X25519-HKDF-SHA256" && cs.hpke.kdf === "HKDF-SHA256"
      ? { ...withAead, ...x25519Keys(base.hpke), ...x25519Hpke(base.hpke, aead) }
      : withAead;
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
