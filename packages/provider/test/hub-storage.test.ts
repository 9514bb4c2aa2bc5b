import {
  createKeyPackage,
  emptyAppDataDictionary,
  encodeMlsMessage,
  loadCiphersuite,
  type MlsCiphersuite,
  markLastResort,
  mimiCapabilities,
  withAppDataDictionary,
} from "@mimi/mls-profile";
import { CodecError, utf8, ValidationError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBlob, parseBlobUrl, storeBlob } from "../src/storage/blobs.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import {
  claimKeyPackages,
  clientOfKeyPackageRef,
  keyPackageRef,
  storeKeyPackages,
} from "../src/storage/key-packages.js";
import { migrate } from "../src/storage/migrations.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const alice1 = "mimi://a.example/d/alice/one";
const alice2 = "mimi://a.example/d/alice/two";
const noRequired = { extensionTypes: [], proposalTypes: [], credentialTypes: [] };

async function keyPackage(
  cs: MlsCiphersuite,
  client: string,
  opts: { lastResort?: boolean; notAfter?: bigint; plain?: boolean } = {},
) {
  const extensions =
    opts.lastResort === true ? withAppDataDictionary([], markLastResort(emptyAppDataDictionary)) : [];
  const kp = await createKeyPackage(cs, {
    credential: { credentialType: "basic", identity: utf8(client) },
    ...(opts.plain === true ? {} : { capabilities: mimiCapabilities() }),
    extensions,
    ...(opts.notAfter === undefined ? {} : { lifetime: { notBefore: 0n, notAfter: opts.notAfter } }),
  });
  return {
    kp: kp.publicPackage,
    bytes: encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_key_package",
      keyPackage: kp.publicPackage,
    }),
  };
}

function hubStorageSuite(engine: string, open: () => Promise<{ db: Database; done: () => Promise<void> }>) {
  describe(`hub storage on ${engine}`, () => {
    let db: Database;
    let done: () => Promise<void>;
    let cs: MlsCiphersuite;
    beforeAll(async () => {
      ({ db, done } = await open());
      await migrate(db);
      cs = await loadCiphersuite();
    });
    afterAll(async () => {
      await done();
    });

    it("stores KeyPackages, maps each KeyPackageRef to its client, and claims one per client once [PROTO-KM-05]", async () => {
      const a = await keyPackage(cs, alice1);
      const b = await keyPackage(cs, alice1);
      const c = await keyPackage(cs, alice2);
      await storeKeyPackages(db, alice1, [a.bytes, b.bytes]);
      await storeKeyPackages(db, alice2, [c.bytes]);
      await storeKeyPackages(db, alice2, [c.bytes]); // again: a no-op
      expect(await clientOfKeyPackageRef(db, await keyPackageRef(a.kp))).toBe(alice1);
      expect(await clientOfKeyPackageRef(db, await keyPackageRef(c.kp))).toBe(alice2);
      expect(await clientOfKeyPackageRef(db, new Uint8Array(32))).toBeUndefined();
      const claim = { acceptableCiphersuites: [1], requiredCapabilities: noRequired, now: Date.now() };
      const first = await claimKeyPackages(db, "mimi://a.example/u/alice", claim);
      expect(first.map((x) => [x.clientUri, x.status])).toEqual([
        [alice1, "success"],
        [alice2, "success"],
      ]);
      const second = await claimKeyPackages(db, "mimi://a.example/u/alice", claim);
      expect(second.map((x) => [x.clientUri, x.status])).toEqual([
        [alice1, "success"],
        [alice2, "keyMaterialExhausted"],
      ]);
      const refs = [...first, ...second].flatMap((x) => (x.status === "success" ? [x.ref] : []));
      expect(new Set(refs.map((r) => Buffer.from(r).toString("hex"))).size).toBe(3);
      // claimed KeyPackages still name their client (Welcome delivery)
      expect(await clientOfKeyPackageRef(db, refs[0]!)).toBe(alice1);
      expect(await claimKeyPackages(db, "mimi://a.example/u/nobody", claim)).toEqual([]);
    });

    it("hands out a last-resort KeyPackage only when nothing else fits, and keeps it; never an expired one [PROTO-KM-05]", async () => {
      const client = "mimi://a.example/d/lr/one";
      const user = "mimi://a.example/u/lr";
      const lr = await keyPackage(cs, client, { lastResort: true });
      const normal = await keyPackage(cs, client);
      const expired = await keyPackage(cs, client, { notAfter: 1000n });
      await storeKeyPackages(db, client, [lr.bytes, expired.bytes, normal.bytes]);
      const claim = { acceptableCiphersuites: [1], requiredCapabilities: noRequired, now: Date.now() };
      const refOf = (x: Awaited<ReturnType<typeof claimKeyPackages>>) =>
        x[0]?.status === "success" ? Buffer.from(x[0].ref).toString("hex") : x[0]?.status;
      const hex = async (kp: typeof lr.kp) => Buffer.from(await keyPackageRef(kp)).toString("hex");
      expect(refOf(await claimKeyPackages(db, user, claim))).toBe(await hex(normal.kp));
      expect(refOf(await claimKeyPackages(db, user, claim))).toBe(await hex(lr.kp));
      expect(refOf(await claimKeyPackages(db, user, claim))).toBe(await hex(lr.kp));
    });

    it("honours acceptable cipher suites and required capabilities", async () => {
      const client = "mimi://a.example/d/caps/one";
      const user = "mimi://a.example/u/caps";
      const plain = await keyPackage(cs, client, { plain: true });
      await storeKeyPackages(db, client, [plain.bytes]);
      const now = Date.now();
      const wrongSuite = await claimKeyPackages(db, user, {
        acceptableCiphersuites: [2],
        requiredCapabilities: noRequired,
        now,
      });
      expect(wrongSuite[0]?.status).toBe("nothingCompatible");
      const needsAppData = await claimKeyPackages(db, user, {
        acceptableCiphersuites: [1],
        requiredCapabilities: { extensionTypes: [0xf0f0], proposalTypes: [], credentialTypes: [] },
        now,
      });
      expect(needsAppData[0]).toMatchObject({
        status: "nothingCompatible",
        capabilities: plain.kp.leafNode.capabilities,
      });
      const ok = await claimKeyPackages(db, user, {
        acceptableCiphersuites: [2, 1],
        requiredCapabilities: { extensionTypes: [], proposalTypes: [], credentialTypes: ["basic"] },
        now,
      });
      expect(ok[0]?.status).toBe("success");
    });

    it("refuses a KeyPackage of another client [PROTO-KP-02], a bad signature [PROTO-KP-01], and non-KeyPackage bytes", async () => {
      const other = await keyPackage(cs, alice2);
      await expect(storeKeyPackages(db, alice1, [other.bytes])).rejects.toMatchObject({
        rule: "PROTO-KP-02",
        path: "/key_packages/0/leaf_node/credential",
      });
      const forged = await keyPackage(cs, alice1);
      const bad = encodeMlsMessage({
        version: "mls10",
        wireformat: "mls_key_package",
        keyPackage: { ...forged.kp, signature: new Uint8Array(forged.kp.signature.length) },
      });
      await expect(storeKeyPackages(db, alice1, [bad])).rejects.toMatchObject({ rule: "PROTO-KP-01" });
      await expect(storeKeyPackages(db, alice1, [new Uint8Array([0, 1, 0, 5])])).rejects.toThrow(CodecError);
      await expect(storeKeyPackages(db, "mimi://a.example/u/alice", [forged.bytes])).rejects.toThrow(
        ValidationError,
      );
    });

    it("stores blobs under a download URL and loads them only by that URL", async () => {
      const bytes = new Uint8Array(1000).map((_, i) => i & 0xff);
      const url = await storeBlob(db, bytes, "A.Example");
      expect(url).toMatch(/^https:\/\/a\.example\/blobs\/[0-9a-f]{32}$/);
      expect(await loadBlob(db, url)).toEqual(bytes);
      expect(await loadBlob(db, url.replace("a.example", "b.example"))).toBeUndefined();
      expect(await loadBlob(db, `${url}?x=1`)).toBeUndefined();
      expect(await loadBlob(db, "not a url")).toBeUndefined();
      expect(parseBlobUrl("http://a.example/blobs/00000000000000000000000000000000")).toBeUndefined();
      expect(await loadBlob(db, "https://a.example/blobs/00000000000000000000000000000000")).toBeUndefined();
    });
  });
}

hubStorageSuite("PGlite (memory://)", async () => {
  const db = await openDatabase("memory://");
  return { db, done: () => db.close() };
});

if (postgresUrl !== undefined) {
  hubStorageSuite("PostgreSQL", async () => {
    const fresh = await freshPostgresDatabase();
    const db = await openDatabase(fresh.url);
    return {
      db,
      done: async () => {
        await db.close();
        await fresh.drop();
      },
    };
  });
}
