/** The caching crypto provider computes exactly what ts-mls's default provider computes. */
import { fc, test } from "@fast-check/vitest";
import { fromHex as fromHexTest, toHex } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import * as web from "../src/crypto-provider.web.js";
import {
  cachedKeyCount,
  cachingCryptoProvider,
  commit,
  encryptApplicationMessage,
  joinFromWelcome,
  loadCiphersuite,
  type MlsCiphersuite,
  type MlsCiphersuiteName,
  processMessage,
} from "../src/index.js";
import { config, groupOf, keyPackage, utf8 } from "./adapter-fixtures.js";

const names: MlsCiphersuiteName[] = [
  "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
  "MLS_256_DHKEMP384_AES256GCM_SHA384_P384",
  "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448",
  "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
];

describe.each(names)("caching provider vs default provider: %s", (name) => {
  let ours: MlsCiphersuite;
  let base: MlsCiphersuite;
  beforeAll(async () => {
    ours = await loadCiphersuite(name);
    base = await loadCiphersuite(name, { provider: "ts-mls-default" });
  });

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 80 })], {
    numRuns: 25,
  })("hash, HMAC and HKDF agree", async (data, key) => {
    expect(toHex(await ours.impl.hash.digest(data))).toBe(toHex(await base.impl.hash.digest(data)));
    const mac = await base.impl.hash.mac(key, data);
    expect(toHex(await ours.impl.hash.mac(key, data))).toBe(toHex(mac));
    expect(await ours.impl.hash.verifyMac(key, mac, data)).toBe(true);
    expect(await ours.impl.hash.verifyMac(key, mac.subarray(1), data)).toBe(false);
    // RFC 9420 extracts with a salt of the hash length (@hpke/core refuses others).
    const salt = new Uint8Array(base.impl.kdf.size).fill(key[0]!);
    const prk = await base.impl.kdf.extract(salt, data);
    expect(toHex(await ours.impl.kdf.extract(salt, data))).toBe(toHex(prk));
    const len = 1 + (data.length % 100);
    expect(toHex(await ours.impl.kdf.expand(prk, key, len))).toBe(
      toHex(await base.impl.kdf.expand(prk, key, len)),
    );
  });

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 40 })], { numRuns: 25 })(
    "AEAD agrees and rejects tampering",
    async (plaintext, aad) => {
      const key = base.impl.rng.randomBytes(base.impl.hpke.keyLength);
      const nonce = base.impl.rng.randomBytes(base.impl.hpke.nonceLength);
      const ct = await base.impl.hpke.encryptAead(key, nonce, aad, plaintext);
      expect(toHex(await ours.impl.hpke.encryptAead(key, nonce, aad, plaintext))).toBe(toHex(ct));
      expect(toHex(await ours.impl.hpke.decryptAead(key, nonce, aad, ct))).toBe(toHex(plaintext));
      const bad = Uint8Array.from(ct);
      bad[0]! ^= 1;
      await expect(ours.impl.hpke.decryptAead(key, nonce, aad, bad)).rejects.toThrow();
    },
  );

  it("signatures verify across providers; a wrong signature or key does not", async () => {
    const pair = await base.impl.signature.keygen();
    const message = utf8("signed");
    const sig = await ours.impl.signature.sign(pair.signKey, message);
    expect(await base.impl.signature.verify(pair.publicKey, message, sig)).toBe(true);
    const sig2 = await base.impl.signature.sign(pair.signKey, message);
    expect(await ours.impl.signature.verify(pair.publicKey, message, sig2)).toBe(true);
    expect(await ours.impl.signature.verify(pair.publicKey, utf8("other"), sig2)).toBe(false);
    const other = await base.impl.signature.keygen();
    expect(await ours.impl.signature.verify(other.publicKey, message, sig2)).toBe(false);
  });
});

describe("caching provider: Ed25519 keys", () => {
  it("signs deterministically like the default provider, with raw and PKCS#8 keys, importing each key once", async () => {
    const ours = await loadCiphersuite();
    const base = await loadCiphersuite(undefined, { provider: "ts-mls-default" });
    const pair = await base.impl.signature.keygen();
    const raw = pair.signKey.subarray(pair.signKey.length - 32);
    const m = utf8("message");
    const expected = toHex(await base.impl.signature.sign(pair.signKey, m));
    expect(toHex(await ours.impl.signature.sign(pair.signKey, m))).toBe(expected);
    expect(toHex(await ours.impl.signature.sign(raw, m))).toBe(expected);
    const before = cachedKeyCount().privateKeys;
    await ours.impl.signature.sign(pair.signKey, utf8("again"));
    expect(cachedKeyCount().privateKeys).toBe(before);
    expect(await ours.impl.signature.verify(new Uint8Array(31), m, new Uint8Array(64))).toBe(false);
  });

  it("verifies like the default provider with keys that are not valid points (the key made from its raw octets)", async () => {
    const ours = await loadCiphersuite();
    const base = await loadCiphersuite(undefined, { provider: "ts-mls-default" });
    const pair = await base.impl.signature.keygen();
    const m = utf8("message");
    const sig = await base.impl.signature.sign(pair.signKey, m);
    const odd = [
      new Uint8Array(32),
      new Uint8Array(32).fill(0xff),
      Uint8Array.from(pair.publicKey).fill(1, 0, 1),
    ];
    for (const key of [pair.publicKey, ...odd]) {
      expect(await ours.impl.signature.verify(key, m, sig)).toBe(
        await base.impl.signature.verify(key, m, sig),
      );
    }
    expect(await ours.impl.signature.verify(pair.publicKey, m, sig)).toBe(true);
  });

  it("members on either provider interoperate", async () => {
    const ours = await loadCiphersuite();
    const base = await loadCiphersuite(undefined, { provider: "ts-mls-default" });
    const [alice] = await groupOf(ours, 1);
    const bobKp = await keyPackage(base, "bob");
    const r = await commit(alice!, ours, {
      proposals: [{ proposalType: "add", add: { keyPackage: bobKp.publicPackage } }],
      ratchetTreeInWelcome: true,
    });
    const bob = (await joinFromWelcome(base, r.welcome!, bobKp, { config: config() })).state;
    const sent = await encryptApplicationMessage(r.state, ours, utf8("hi"));
    const got = await processMessage(bob, base, sent.message);
    expect(got.kind === "application" && new TextDecoder().decode(got.data)).toBe("hi");
    const update = await commit(got.state, base, {});
    const a2 = await processMessage(r.state, ours, update.commit);
    expect(a2.state.groupContext.epoch).toBe(update.state.groupContext.epoch);
  });
});

/** True in Node; false in the browser run (vitest's Chromium project), which has no `process`. */
const inNode =
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";

describe("caching provider: X25519 HPKE keys (RFC 9180 §7.1.3)", () => {
  test.prop([fc.uint8Array({ minLength: 1, maxLength: 64 })], { numRuns: 20 })(
    "DeriveKeyPair gives the default provider's key pair, and each side opens what the other sealed",
    async (ikm) => {
      const ours = (await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519")).impl.hpke;
      const base = (
        await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519", { provider: "ts-mls-default" })
      ).impl.hpke;
      const a = await ours.deriveKeyPair(ikm);
      const b = await base.deriveKeyPair(ikm);
      const sk = await base.exportPrivateKey(b.privateKey);
      expect(toHex(await ours.exportPrivateKey(a.privateKey))).toBe(toHex(sk));
      expect(toHex(await ours.exportPublicKey(a.publicKey))).toBe(
        toHex(await base.exportPublicKey(b.publicKey)),
      );
      const info = utf8("info");
      const sealed = await base.seal(b.publicKey, utf8("to ours"), info);
      expect(await ours.open(await ours.importPrivateKey(sk), sealed.enc, sealed.ct, info)).toEqual(
        utf8("to ours"),
      );
      const back = await ours.seal(a.publicKey, utf8("to base"), info);
      expect(await base.open(await base.importPrivateKey(sk), back.enc, back.ct, info)).toEqual(
        utf8("to base"),
      );
    },
  );

  test.each([
    "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
    "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519",
  ] as const)(
    "%s: HPKE seal and open (RFC 9180 base mode) agree with the default provider both ways, with AAD; a changed byte is refused",
    async (name) => {
      const ours = (await loadCiphersuite(name)).impl.hpke;
      const base = (await loadCiphersuite(name, { provider: "ts-mls-default" })).impl.hpke;
      const pair = await base.generateKeyPair();
      const sk = await base.exportPrivateKey(pair.privateKey);
      const pk = await base.exportPublicKey(pair.publicKey);
      const info = utf8("MLS 1.0 UpdatePathNode");
      const aad = utf8("aad");
      for (const [sealer, opener] of [
        [ours, base],
        [base, ours],
        [ours, ours],
      ] as const) {
        const sealed = await sealer.seal(await sealer.importPublicKey(pk), utf8("path secret"), info, aad);
        const key = await opener.importPrivateKey(sk);
        expect(await opener.open(key, sealed.enc, sealed.ct, info, aad)).toEqual(utf8("path secret"));
        const bad = sealed.ct.slice();
        bad[0]! ^= 1;
        await expect(opener.open(key, sealed.enc, bad, info, aad)).rejects.toThrow();
        await expect(opener.open(key, sealed.enc, sealed.ct, utf8("other info"), aad)).rejects.toThrow();
      }
    },
  );

  it("MLS-HPKE-01: a KEM output that is a small-order point (an all-zero X25519 shared secret) is refused", async () => {
    const ours = (await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519")).impl.hpke;
    const pair = await ours.deriveKeyPair(utf8("ikm"));
    const sealed = await ours.seal(pair.publicKey, utf8("x"), utf8("info"));
    expect(await ours.open(pair.privateKey, sealed.enc, sealed.ct, utf8("info"))).toEqual(utf8("x"));
    // the point 0 and the point 1 are of small order: X25519 with either gives 32 zero octets
    for (const point of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      await expect(ours.open(pair.privateKey, point, sealed.ct, utf8("info"))).rejects.toThrow();
    }
  });

  it("a private key of the wrong length is refused as by the default provider", async () => {
    const ours = (await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519")).impl.hpke;
    await expect(ours.importPrivateKey(new Uint8Array(31))).rejects.toThrow();
  });
});

describe.skipIf(!inNode)("Node provider: its own X25519 HPKE does the work", () => {
  it("keys, seal and open never reach a default provider that fails every call, and the real one opens what they sealed", async () => {
    const node = await import("../src/crypto-provider.node.js");
    const real = (
      await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519", { provider: "ts-mls-default" })
    ).impl.hpke;
    const failing = new Proxy(real, {
      get: (target, key) => {
        const value = Reflect.get(target, key);
        return typeof value === "function"
          ? () => {
              throw new Error(`the default provider was reached: ${String(key)}`);
            }
          : value;
      },
    });
    const keys = node.x25519Keys(failing);
    const hpke = node.x25519Hpke(failing, "AES128GCM");
    const pair = await keys.deriveKeyPair(utf8("ikm"));
    const info = utf8("info");
    const sealed = await hpke.seal(pair.publicKey, utf8("secret"), info, utf8("aad"));
    const sk = await real.exportPrivateKey(pair.privateKey);
    expect(
      await hpke.open(await keys.importPrivateKey(sk), sealed.enc, sealed.ct, info, utf8("aad")),
    ).toEqual(utf8("secret"));
    expect(
      await real.open(await real.importPrivateKey(sk), sealed.enc, sealed.ct, info, utf8("aad")),
    ).toEqual(utf8("secret"));
    // a failure is the default provider's to report: here it is reached, and throws
    await expect(
      hpke.open(pair.privateKey, sealed.enc, sealed.ct.slice(1), info, utf8("aad")),
    ).rejects.toThrow(/default provider was reached: open/);
  });
});

describe("#platform resolves per runtime", () => {
  it(`gives the ${inNode ? "Node" : "web"} variant of the caching provider here`, async () => {
    const node = inNode ? await import("../src/crypto-provider.node.js") : undefined;
    expect(cachingCryptoProvider).toBe(inNode ? node!.cachingCryptoProvider : web.cachingCryptoProvider);
    expect(cachingCryptoProvider).not.toBe(inNode ? web.cachingCryptoProvider : undefined);
    if (!inNode)
      expect((globalThis as { navigator?: { userAgent: string } }).navigator?.userAgent).toMatch(/Chrome\//);
  });
});

// `#platform` picks the Node variant under Node and the web variant in browsers (the browser run of
// this file covers the latter through the package); the web variant is also checked here directly.
describe("web variant of the caching provider (crypto-provider.web.ts)", () => {
  it("hashes synchronously like the suite's hash, and signs and verifies like the default provider, importing each key once", async () => {
    const base = await loadCiphersuite(undefined, { provider: "ts-mls-default" });
    const webSuite = await loadCiphersuite(undefined, { provider: web.cachingCryptoProvider });
    for (const alg of ["SHA-256", "SHA-384", "SHA-512"] as const) {
      const data = utf8(`data for ${alg}`);
      expect(toHex(web.syncHash(alg)(data))).toBe(
        toHex(new Uint8Array(await globalThis.crypto.subtle.digest(alg, data))),
      );
    }
    const pair = await base.impl.signature.keygen();
    const raw = pair.signKey.subarray(pair.signKey.length - 32);
    const m = utf8("message");
    const expected = toHex(await base.impl.signature.sign(pair.signKey, m));
    expect(toHex(await webSuite.impl.signature.sign(pair.signKey, m))).toBe(expected);
    const before = web.cachedKeyCount().privateKeys;
    expect(toHex(await webSuite.impl.signature.sign(pair.signKey, utf8("message")))).toBe(expected);
    expect(web.cachedKeyCount().privateKeys).toBe(before);
    expect(toHex(await webSuite.impl.signature.sign(raw, m))).toBe(expected);
    expect(
      await webSuite.impl.signature.verify(
        pair.publicKey,
        m,
        await base.impl.signature.sign(pair.signKey, m),
      ),
    ).toBe(true);
    expect(await webSuite.impl.signature.verify(pair.publicKey, utf8("other"), fromHexTest(expected))).toBe(
      false,
    );
    expect(await webSuite.impl.signature.verify(new Uint8Array(31), m, new Uint8Array(64))).toBe(false);
  });
});
