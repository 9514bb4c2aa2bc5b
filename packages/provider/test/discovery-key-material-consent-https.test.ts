/**
 * Consent enforced on key material end to end: the hub of b.example (the transport's `createHub`)
 * asks the discovery consent store (`consentCheck`, on the same database) before it hands out
 * Bob's KeyPackages to a.example over mutual TLS (protocol-06 §5.2, §5.7).
 */

import { applyConsentOperation, consentCheck } from "@mimi/discovery";
import { createKeyPackage, encodeMlsMessage, loadCiphersuite, mimiCapabilities } from "@mimi/mls-profile";
import {
  decodeKeyMaterialResponse,
  encodeKeyMaterialRequest,
  mlsOf,
  signKeyMaterialRequest,
} from "@mimi/protocol";
import { utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHub,
  type Database,
  hubEndpoints,
  implementedEndpoints,
  migrate,
  migrateDiscovery,
  openDatabase,
  type ProviderServer,
  SqlConsentStore,
  startProviderServer,
  storeKeyPackages,
} from "../src/index.js";
import { makeClient, makePki, type TestClient } from "./support/index.js";

const pki = makePki("discovery consent test CA", ["a.example", "b.example"]);
const alice = "mimi://a.example/u/alice";
const bob = "mimi://b.example/u/bob";
const room = "mimi://a.example/r/lounge";
let db: Database;
let server: ProviderServer;
let fromA: TestClient;
let consent: SqlConsentStore;

const keyPackageOf = async (clientUri: string) =>
  createKeyPackage(await loadCiphersuite(), {
    credential: { credentialType: "basic", identity: utf8(clientUri) },
    capabilities: mimiCapabilities(),
  });

/** Alice's client asks b.example for Bob's key material (a signed §5.2 request), over mutual TLS. */
async function askForBob(): Promise<ReturnType<typeof decodeKeyMaterialResponse>> {
  const cs = await loadCiphersuite();
  const kp = await keyPackageOf("mimi://a.example/d/alice/1");
  const request = await signKeyMaterialRequest(
    {
      protocol: "mls10",
      requestingUser: { uri: alice },
      targetUser: { uri: bob },
      roomId: { uri: room },
      acceptableCiphersuites: [1],
      requiredCapabilities: mlsOf("RequiredCapabilities", {
        extensionTypes: [],
        proposalTypes: [],
        credentialTypes: [],
      }),
      requesterSignatureKey: kp.publicPackage.leafNode.signaturePublicKey,
      requesterCredential: mlsOf("Credential", kp.publicPackage.leafNode.credential),
    },
    kp.privatePackage.signaturePrivateKey,
    cs.impl.signature,
  );
  const r = await fromA.send({
    method: "POST",
    path: `/v1/keyMaterial/${encodeURIComponent(bob)}`,
    headers: { host: "b.example", from: "mimi@a.example" },
    body: encodeKeyMaterialRequest(request),
  });
  expect(r.status).toBe(200);
  return decodeKeyMaterialResponse(new Uint8Array(r.body));
}

beforeAll(async () => {
  db = await openDatabase("memory://");
  await migrate(db);
  await migrateDiscovery(db);
  consent = new SqlConsentStore(db);
  const hub = createHub({ db, domain: "b.example", consent: consentCheck(consent) });
  server = await startProviderServer({
    domain: "b.example",
    key: pki.providers["b.example"]!.key,
    cert: pki.providers["b.example"]!.cert,
    ca: pki.caCert,
    db,
    endpoints: [...implementedEndpoints, ...hubEndpoints(hub)],
    log: () => {},
  });
  fromA = makeClient(server.port, "b.example", { ...pki.providers["a.example"]!, ca: pki.caCert });
  const kps = [
    await keyPackageOf("mimi://b.example/d/bob/1"),
    await keyPackageOf("mimi://b.example/d/bob/1"),
  ];
  await storeKeyPackages(
    db,
    "mimi://b.example/d/bob/1",
    kps.map((kp) =>
      encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: kp.publicPackage }),
    ),
  );
});

afterAll(async () => {
  fromA?.close();
  await server?.close(1000);
  await db?.close();
});

describe("key material only with consent, over HTTPS (protocol-06 §5.2, §5.7)", () => {
  it("DISC-CONSENT-04 refuses key material without consent, serves it after a grant, refuses it after a revocation", async () => {
    expect(await askForBob()).toMatchObject({ userStatus: "noConsent", clients: [] });
    const scope = { requesterUri: alice, targetUri: bob };
    await applyConsentOperation(
      consent,
      "request",
      scope,
      { senderDomain: "a.example", receiverDomain: "b.example" },
      1,
    );
    expect(await askForBob()).toMatchObject({ userStatus: "noConsent", clients: [] });
    await applyConsentOperation(
      consent,
      "grant",
      scope,
      { senderDomain: "b.example", receiverDomain: "a.example" },
      2,
    );
    const served = await askForBob();
    expect(served.userStatus).toBe("success");
    expect(served.clients).toHaveLength(1);
    expect(served.clients[0]).toMatchObject({
      clientStatus: "success",
      clientUri: { uri: "mimi://b.example/d/bob/1" },
    });
    await applyConsentOperation(
      consent,
      "revoke",
      { ...scope, roomId: room },
      { senderDomain: "b.example", receiverDomain: "a.example" },
      3,
    );
    expect(await askForBob()).toMatchObject({ userStatus: "noConsent", clients: [] });
  });
});
