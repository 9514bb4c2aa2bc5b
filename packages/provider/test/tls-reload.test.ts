import { X509Certificate } from "node:crypto";
import { connect } from "node:tls";
import { issueCrl } from "@mimi/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeerUnavailable } from "../src/federation/client.js";
import type { RunningProvider } from "../src/provider/provider.js";
import { api, providerStarter, type TestIdentity, testIdentity } from "./provider-harness.js";
import { makeClient } from "./support/https-client.js";

let idA!: TestIdentity;
let idA2!: TestIdentity;
let idB!: TestIdentity;
let idC!: TestIdentity;
let A: RunningProvider;
let B: RunningProvider;
let cas: string[];

beforeAll(async () => {
  idA = await testIdentity("a.example");
  idA2 = await testIdentity("a.example");
  idB = await testIdentity("b.example");
  idC = await testIdentity("c.example");
  const { start, ports } = providerStarter([idA, idA2, idB, idC], { clientApi: true });
  A = await start(idA);
  ports.set("a.example", A.port);
  B = await start(idB);
  ports.set("b.example", B.port);
  cas = [idA, idA2, idB, idC].map((i) => i.pki.ca.certificatePem);
}, 60_000);
afterAll(async () => {
  await A?.stop(1000);
  await B?.stop(1000);
});

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
const serial = (pem: string) => new X509Certificate(pem).serialNumber;

/** The certificate A presents to a peer connecting with `as`'s provider certificate, or the handshake's error. */
function presented(as: TestIdentity): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: "127.0.0.1",
      port: A.port,
      servername: "a.example",
      key: as.pki.server.privateKeyPem,
      cert: as.pki.server.certificatePem,
      ca: cas,
      minVersion: "TLSv1.3",
    });
    socket.once("secureConnect", () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      // TLS 1.3: the server's verdict on our certificate arrives after the handshake
      socket.once("data", () => {});
      socket.write("GET /.well-known/mimi-protocol-directory HTTP/1.1\r\nhost: a.example\r\n\r\n");
      socket.once("data", () => {
        socket.destroy();
        resolve(fp);
      });
    });
    socket.once("error", (e) => {
      socket.destroy();
      reject(e);
    });
    // refused after the handshake (TLS 1.3): the server closes without answering
    socket.once("close", () => reject(new Error("closed by the server without an answer")));
  });
}

const tlsOf = (id: TestIdentity) => ({
  key: id.pki.server.privateKeyPem,
  cert: id.pki.server.certificatePem,
});

describe("TLS material reloaded without a restart", () => {
  it("presents a renewed certificate on new connections", async () => {
    expect(await presented(idB)).toBe(fingerprint(idA.pki.server.certificatePem));
    A.reloadTls({ ...tlsOf(idA2), ca: cas });
    expect(await presented(idB)).toBe(fingerprint(idA2.pki.server.certificatePem));
    // and uses it as the client of its peers: B sees the renewed certificate's chain accepted
    const out = await A.federation.request("b.example", {
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
    });
    expect(out.status).toBe(200);
  });

  it("refuses peers a newly loaded CRL revokes, in both directions, and keeps the others", async () => {
    // OpenSSL checks revocation of every certificate once CRLs are given: one per trusted CA
    const crl = await Promise.all(
      [idA, idA2, idB, idC].map((i) =>
        issueCrl(i.pki.ca, { revoked: i === idB ? [serial(idB.pki.server.certificatePem)] : [] }),
      ),
    );
    A.reloadTls({ ...tlsOf(idA2), ca: cas, crl });
    await expect(presented(idB)).rejects.toThrow();
    expect(await presented(idC)).toBe(fingerprint(idA2.pki.server.certificatePem));
    // A calling B: B's certificate is revoked for A now
    await expect(
      A.federation.request("b.example", { method: "GET", path: "/.well-known/mimi-protocol-directory" }),
    ).rejects.toBeInstanceOf(PeerUnavailable);
    // a CRL without B's serial lets B in again
    const clean = await issueCrl(idB.pki.ca, { revoked: [] });
    A.reloadTls({ ...tlsOf(idA2), ca: cas, crl: [crl[0]!, crl[1]!, clean, crl[3]!] });
    expect(await presented(idB)).toBe(fingerprint(idA2.pki.server.certificatePem));
  });

  it("refuses a client certificate its CA revoked, on the client API, with PROTO-CAPI-01", async () => {
    const alice = await idA.client("mimi://a.example/d/alice/1");
    const bob = await idA.client("mimi://a.example/d/bob/1");
    const ask = async (who: typeof alice) => {
      const c = makeClient(A.clientApiPort!, "a.example", { ...who, ca: cas.join("\n") });
      try {
        return await c.send({ method: "GET", path: api("hubSender") });
      } finally {
        c.close();
      }
    };
    expect((await ask(alice)).status).toBe(200);
    const crl = await issueCrl(idA.pki.ca, { revoked: [serial(alice.cert)] });
    A.reloadTls({ ...tlsOf(idA2), ca: cas }, { ca: idA.pki.ca.certificatePem, crl });
    const refused = await ask(alice);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body.toString())).toMatchObject({ rule: "PROTO-CAPI-01" });
    expect((await ask(bob)).status).toBe(200);
  });

  it("refuses unusable material and keeps serving with what it had", async () => {
    const before = await presented(idC);
    expect(() => A.reloadTls({ key: "not a key", cert: idA.pki.server.certificatePem, ca: cas })).toThrow();
    expect(() => A.reloadTls({ ...tlsOf(idA), ca: cas, crl: "not a CRL" })).toThrow();
    expect(await presented(idC)).toBe(before);
  });
});
