/**
 * The client API without TLS client certificates (decisions 0810, 0811): RFC 9421 signatures made
 * with the client credential's key, the browser listener (CORS, the static app) and enrollment.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import {
  createProviderPki,
  createTrustStore,
  decodeCertificate,
  decodePem,
  issueClientCertificate,
  issueCrl,
  type ProviderPki,
  spkiFromMlsSignatureKey,
  spkiMatchesSignatureKey,
  trustAnchor,
  validateClientChain,
} from "@mimi/identity";
import {
  type ExternalSender,
  generateSignatureKeyPair,
  loadCiphersuite,
  type MlsCiphersuite,
  type SignatureKeyPair,
} from "@mimi/mls-profile";
import {
  encodeKeyMaterialRequest,
  enrollmentProofInput,
  signClientRequest,
  signKeyMaterialRequest,
  submitMessageRequestCodec,
} from "@mimi/protocol";
import { type MlsFixtures, mlsFixtures } from "@mimi/protocol/testing";
import { encodeWith, fromBase64, toBase64, utf8, ValidationError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInboxSignal } from "../src/client-api/inbox.js";
import { type ClientApiServer, startClientApi } from "../src/client-api/server.js";
import { createFederationClient, type FederationClient } from "../src/federation/client.js";
import type { Endpoint } from "../src/server/endpoint.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";

const enc = (s: string) => new TextEncoder().encode(s);
const hubSender: ExternalSender = {
  signaturePublicKey: new Uint8Array(32).fill(7),
  credential: { credentialType: "basic", identity: utf8("mimi://a.example") },
};
const WEB_ORIGIN = "https://chat.a.example";

/** A client that signs: its key, its certificate (DER) and URIs. */
interface Signer {
  readonly clientUri: string;
  readonly userUri: string;
  readonly key: SignatureKeyPair;
  readonly cert: Uint8Array;
}

interface Resp {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let cs: MlsCiphersuite;
let fx: MlsFixtures;
let pkiA: ProviderPki;
let pkiB: ProviderPki;
let pkiC: ProviderPki;
let db: Database;
let federation: FederationClient;
let api: ClientApiServer;
let app: string;
let outside: string;
let alice: Signer;
let bob: Signer;
let carol: Signer; // of b.example, whose CA is among our client CAs
let dave: Signer; // of c.example, whose CA we do not trust

async function signer(pki: ProviderPki, user: string, device: string): Promise<Signer> {
  const key = await generateSignatureKeyPair(cs);
  const userUri = `mimi://${pki.domain}/u/${user}`;
  const clientUri = `mimi://${pki.domain}/d/${user}/${device}`;
  const issued = await issueClientCertificate(pki.ca, {
    userUri,
    clientUri,
    publicKey: spkiFromMlsSignatureKey(key.publicKey),
  });
  return { clientUri, userUri, key, cert: decodePem(issued.certificatePem, "CERTIFICATE") };
}

/** One HTTP request to the browser listener (node:http, so Origin and any header can be set). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Uint8Array,
  port = api.webPort!,
): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The signature headers of `who` for a request (options: another time, key, lifetime, URL). */
function sign(
  who: Signer,
  method: string,
  path: string,
  body?: Uint8Array,
  o: { now?: number; key?: SignatureKeyPair; lifetimeS?: number; url?: string; keyid?: string } = {},
): Promise<Record<string, string>> {
  return signClientRequest({
    method,
    url: o.url ?? `http://127.0.0.1:${api.webPort}${path}`,
    ...(body === undefined ? {} : { body }),
    certificate: who.cert,
    keyid: o.keyid ?? who.clientUri,
    alg: "ed25519",
    sign: (base) => cs.impl.signature.sign((o.key ?? who.key).signKey, base),
    ...(o.now === undefined ? {} : { now: o.now }),
    ...(o.lifetimeS === undefined ? {} : { lifetimeS: o.lifetimeS }),
  });
}

async function signed(who: Signer, method: string, path: string, body?: Uint8Array): Promise<Resp> {
  return raw(method, path, await sign(who, method, path, body), body);
}

const reason = (r: Resp) => JSON.parse(r.body.toString()) as { error: string; what: string; rule?: string };

const submitBody = (sender: string) =>
  encodeWith(submitMessageRequestCodec, {
    protocol: "mls10",
    appMessage: fx.privateMessages[0]!,
    sendingUri: { uri: sender },
  });

function echo(name: Endpoint["name"]): Endpoint {
  return {
    name,
    handle: async (ctx) => ({
      status: 200,
      body: enc(JSON.stringify({ at: ctx.domain, name, param: ctx.param, bytes: ctx.body.length })),
    }),
  };
}

beforeAll(async () => {
  cs = await loadCiphersuite();
  fx = await mlsFixtures();
  pkiA = await createProviderPki("a.example", { algorithm: "Ed25519" });
  pkiB = await createProviderPki("b.example");
  pkiC = await createProviderPki("c.example");
  db = await openDatabase("memory://");
  await migrate(db);
  federation = createFederationClient({
    domain: "a.example",
    key: pkiA.server.privateKeyPem,
    cert: pkiA.server.certificatePem,
    ca: [pkiA.ca.certificatePem, pkiB.ca.certificatePem],
    peers: {},
  });
  app = mkdtempSync(join(tmpdir(), "mimi-web-app-"));
  outside = mkdtempSync(join(tmpdir(), "mimi-web-outside-"));
  writeFileSync(join(app, "index.html"), "<!doctype html><title>mimi</title>");
  writeFileSync(join(app, "app.js"), "export const x = 1;");
  mkdirSync(join(app, "sub"));
  writeFileSync(join(app, "sub", "index.html"), "<p>sub</p>");
  writeFileSync(join(outside, "secret.txt"), "top secret");
  symlinkSync(join(outside, "secret.txt"), join(app, "link.txt"));
  api = await startClientApi({
    domain: "a.example",
    key: pkiA.server.privateKeyPem,
    cert: pkiA.server.certificatePem,
    clientCa: [pkiA.ca.certificatePem, pkiB.ca.certificatePem],
    db,
    endpoints: [echo("submitMessage"), echo("keyMaterial")],
    federation,
    hubSender: async () => hubSender,
    inboxSignal: createInboxSignal(),
    inboxPollMs: 60_000,
    log: () => {},
    web: { port: 0, origin: WEB_ORIGIN, app },
    enrollment: {
      issuer: pkiA.ca,
      peerAnchors: [pkiA.ca.certificatePem, { pem: pkiB.ca.certificatePem, domain: "b.example" }],
      codes: [
        { code: "code-alice-1", user: "mimi://a.example/u/alice", expiresAt: Date.now() + 3_600_000 },
        { code: "code-old-1", user: "mimi://a.example/u/alice", expiresAt: Date.now() - 1000 },
      ],
    },
  });
  alice = await signer(pkiA, "alice", "laptop");
  bob = await signer(pkiA, "bob", "phone");
  carol = await signer(pkiB, "carol", "phone");
  dave = await signer(pkiC, "dave", "phone");
});

afterAll(async () => {
  await api?.close(500);
  federation?.close();
  await db?.close();
  if (app !== undefined) rmSync(app, { recursive: true, force: true });
  if (outside !== undefined) rmSync(outside, { recursive: true, force: true });
});

describe("signed requests (RFC 9421 with the client credential's key)", () => {
  it("[PROTO-CAPI-14][PROTO-CAPI-15] a signed request works on every kind of route, the inbox stream included", async () => {
    // a GET without a body
    const hs = await signed(alice, "GET", "/client/v1/hubSender");
    expect(hs.status, hs.body.toString()).toBe(200);
    // a POST with a body (Content-Digest covered), answered JSON
    const blob = await signed(alice, "POST", "/client/v1/blobs", enc("encrypted bytes"));
    expect(blob.status, blob.body.toString()).toBe(201);
    const url = (JSON.parse(blob.body.toString()) as { url: string }).url;
    // a GET with a query
    const dl = await signed(alice, "GET", `/client/v1/download?url=${encodeURIComponent(url)}`);
    expect(dl.status, dl.body.toString()).toBe(200);
    expect(dl.body.toString()).toBe("encrypted bytes");
    // a protocol-06 request about our own room, through the same handler and checks as over TLS
    const room = encodeURIComponent("mimi://a.example/r/home");
    const sub = await signed(alice, "POST", `/client/v1/submitMessage/${room}`, submitBody(alice.userUri));
    expect(sub.status, sub.body.toString()).toBe(200);
    expect(JSON.parse(sub.body.toString())).toMatchObject({ at: "a.example", name: "submitMessage" });
    // the inbox stream: 200, ndjson, kept open
    const headers = await sign(alice, "GET", "/client/v1/inbox?after=0");
    const stream = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port: api.webPort!, path: "/client/v1/inbox?after=0", headers },
        (res) => {
          resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] });
          req.destroy();
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(stream).toEqual({ status: 200, type: "application/x-ndjson" });
    // the TLS listener takes signatures too, from a client presenting no certificate
    const agent = new Agent({ ca: pkiA.ca.certificatePem, servername: "a.example" });
    try {
      const path = "/client/v1/hubSender";
      const h = await sign(alice, "GET", path, undefined, { url: `https://a.example:${api.port}${path}` });
      const tls = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: "127.0.0.1",
            port: api.port,
            path,
            agent,
            servername: "a.example",
            headers: { ...h, host: `a.example:${api.port}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end();
      });
      expect(tls).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it("[PROTO-CAPI-14] refuses a request without a signature, or with a certificate not of our client CAs, with 401", async () => {
    const none = await raw("GET", "/client/v1/hubSender");
    expect(none.status).toBe(401);
    expect(reason(none).rule).toBe("PROTO-CAPI-14");
    const foreign = await signed(dave, "GET", "/client/v1/hubSender");
    expect(foreign.status).toBe(401);
    expect(reason(foreign).rule).toBe("PROTO-CAPI-14");
    // a keyid that is not the certificate's client
    const path = "/client/v1/hubSender";
    const wrongKeyid = await raw(
      "GET",
      path,
      await sign(alice, "GET", path, undefined, { keyid: bob.clientUri }),
    );
    expect(wrongKeyid.status).toBe(401);
    // garbage headers are a 401 with a reason, never a 5xx
    for (const h of [
      { signature: "mimi=:!!:", "signature-input": "mimi=(", "mimi-client-certificate": ":AAAA:" },
      {
        signature: "mimi=:AAAA:",
        "signature-input": 'mimi=("@method");created=1',
        "mimi-client-certificate": "x",
      },
    ]) {
      const r = await raw("GET", path, h);
      expect(r.status).toBe(401);
    }
  });

  it("[PROTO-CAPI-14] refuses a revoked certificate once our CA's CRL lists it", async () => {
    const revoked = await signer(pkiA, "eve", "laptop");
    expect((await signed(revoked, "GET", "/client/v1/hubSender")).status).toBe(200);
    const serial = decodeCertificate(revoked.cert).facts.serialNumber;
    const crl = await issueCrl(pkiA.ca, { revoked: [serial] });
    const tls = { key: pkiA.server.privateKeyPem, cert: pkiA.server.certificatePem };
    api.reloadTls({ ...tls, clientCa: [pkiA.ca.certificatePem, pkiB.ca.certificatePem], crl });
    try {
      const r = await signed(revoked, "GET", "/client/v1/hubSender");
      expect(r.status).toBe(401);
      expect(reason(r).rule).toBe("PROTO-CAPI-14");
      expect((await signed(alice, "GET", "/client/v1/hubSender")).status).toBe(200);
    } finally {
      api.reloadTls({ ...tls, clientCa: [pkiA.ca.certificatePem, pkiB.ca.certificatePem] });
    }
  });

  it("answers a request target that makes no URL, and an oversized nonce, with a 4xx on both listeners", async () => {
    for (const port of [api.webPort!, api.port]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket =
          port === api.port
            ? tlsConnect({ host: "127.0.0.1", port, servername: "a.example", ca: pkiA.ca.certificatePem })
            : netConnect({ host: "127.0.0.1", port });
        let text = "";
        socket.on("data", (c: Buffer) => {
          text += c.toString();
        });
        socket.on("end", () => resolve(text));
        socket.on("error", reject);
        socket.write(
          "GET http://[oops/client/v1/hubSender HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n",
        );
      });
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    const path = "/client/v1/hubSender";
    const h = await sign(alice, "GET", path);
    const long = h["signature-input"]!.replace(/nonce="[^"]*"/, `nonce="${"n".repeat(129)}"`);
    const r = await raw("GET", path, { ...h, "signature-input": long });
    expect(r.status).toBe(401);
    expect(reason(r).rule).toBe("PROTO-CAPI-14");
  });

  it("[PROTO-CAPI-02] refuses a certificate of a client of another domain with 403", async () => {
    const r = await signed(carol, "GET", "/client/v1/hubSender");
    expect(r.status).toBe(403);
    expect(reason(r).rule).toBe("PROTO-CAPI-02");
  });

  it("[PROTO-CAPI-15] refuses a forged signature, a tampered body, another target, and Alice's key with Bob's certificate", async () => {
    const path = "/client/v1/blobs";
    const body = enc("attachment");
    const h = await sign(alice, "POST", path, body);
    const sig = fromBase64(h["signature"]!.slice("mimi=:".length, -1));
    sig[5] = (sig[5] ?? 0) ^ 1;
    const forged = await raw("POST", path, { ...h, signature: `mimi=:${toBase64(sig)}:` }, body);
    expect(forged.status).toBe(401);
    expect(reason(forged).rule).toBe("PROTO-CAPI-15");
    const tampered = await raw("POST", path, await sign(alice, "POST", path, body), enc("attachmenT"));
    expect(tampered.status).toBe(401);
    expect(reason(tampered).rule).toBe("PROTO-CAPI-15");
    // signed for another path
    const other = await raw("POST", path, await sign(alice, "POST", "/client/v1/keyPackages", body), body);
    expect(other.status).toBe(401);
    expect(reason(other).rule).toBe("PROTO-CAPI-15");
    // signed for another method
    const get = await raw("GET", "/client/v1/hubSender", await sign(alice, "POST", "/client/v1/hubSender"));
    expect(get.status).toBe(401);
    // the digest dropped from the covered components
    const noDigest = await sign(alice, "POST", path);
    const r = await raw("POST", path, noDigest, body);
    expect(r.status).toBe(401);
    expect(reason(r).rule).toBe("PROTO-CAPI-15");
    // Alice's key, Bob's certificate (and Bob's keyid)
    const swapped = await raw("POST", path, await sign(bob, "POST", path, body, { key: alice.key }), body);
    expect(swapped.status).toBe(401);
    expect(reason(swapped).rule).toBe("PROTO-CAPI-15");
  });

  it("[PROTO-CAPI-17] refuses a replayed request (the same nonce)", async () => {
    const path = "/client/v1/blobs";
    const body = enc("once");
    const h = await sign(alice, "POST", path, body);
    expect((await raw("POST", path, h, body)).status).toBe(201);
    const again = await raw("POST", path, h, body);
    expect(again.status).toBe(401);
    expect(reason(again).rule).toBe("PROTO-CAPI-17");
  });

  it("[PROTO-CAPI-16] refuses an expired signature, one from the future and one that lives too long", async () => {
    const path = "/client/v1/hubSender";
    const at = async (o: { now?: number; lifetimeS?: number }) => {
      const r = await raw("GET", path, await sign(alice, "GET", path, undefined, o));
      return { status: r.status, rule: r.status === 200 ? undefined : reason(r).rule };
    };
    expect(await at({ now: Date.now() - 400_000 })).toEqual({ status: 401, rule: "PROTO-CAPI-16" });
    expect(await at({ now: Date.now() + 300_000 })).toEqual({ status: 401, rule: "PROTO-CAPI-16" });
    expect(await at({ lifetimeS: 301 })).toEqual({ status: 401, rule: "PROTO-CAPI-16" });
    expect(await at({ lifetimeS: 0 })).toEqual({ status: 401, rule: "PROTO-CAPI-16" });
    expect((await at({ lifetimeS: 300 })).status).toBe(200);
  });

  it("[PROTO-CAPI-05] a valid signature of Alice cannot act as Bob (sendingUri, requestingUser)", async () => {
    const room = encodeURIComponent("mimi://a.example/r/home");
    const r = await signed(alice, "POST", `/client/v1/submitMessage/${room}`, submitBody(bob.userUri));
    expect(r.status).toBe(403);
    expect(reason(r).rule).toBe("PROTO-CAPI-05");
    const km = await signKeyMaterialRequest(
      {
        protocol: "mls10",
        requestingUser: { uri: bob.userUri },
        targetUser: { uri: "mimi://a.example/u/carol" },
        roomId: { uri: "mimi://a.example/r/home" },
        acceptableCiphersuites: [1],
        requiredCapabilities: fx.requiredCapabilities[0]!,
        requesterSignatureKey: fx.signer.publicKey,
        requesterCredential: fx.credentials[0]!,
      },
      fx.signer.signKey,
      fx.cs.signature,
    );
    const k = await signed(
      alice,
      "POST",
      `/client/v1/keyMaterial/${encodeURIComponent("mimi://a.example/u/carol")}`,
      encodeKeyMaterialRequest(km),
    );
    expect(k.status).toBe(403);
    expect(reason(k).rule).toBe("PROTO-CAPI-05");
  });
});

describe("the browser listener", () => {
  it("[PROTO-CAPI-19] answers CORS for the provider's web origins and its own, and refuses other origins with 403", async () => {
    const preflight = (origin: string) =>
      raw("OPTIONS", "/client/v1/blobs", {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, signature, signature-input, content-digest",
        "access-control-request-private-network": "true",
      });
    for (const origin of [WEB_ORIGIN, `http://localhost:${api.webPort}`, `http://127.0.0.1:${api.webPort}`]) {
      const ok = await preflight(origin);
      expect(ok.status).toBe(204);
      expect(ok.headers["access-control-allow-origin"]).toBe(origin);
      expect(ok.headers["vary"]).toBe("Origin");
      expect(ok.headers["access-control-allow-methods"]).toMatch(/POST/);
      expect(ok.headers["access-control-allow-private-network"]).toBe("true");
      const allowed = String(ok.headers["access-control-allow-headers"]).split(/,\s*/);
      expect(allowed).toEqual(
        expect.arrayContaining([
          "content-type",
          "signature",
          "signature-input",
          "content-digest",
          "mimi-client-certificate",
        ]),
      );
    }
    const evil = await preflight("https://evil.example");
    expect(evil.status).toBe(403);
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined();
    expect(reason(evil).rule).toBe("PROTO-CAPI-19");
    // an actual request: allowed origin gets the header, another origin is refused before anything runs
    const path = "/client/v1/hubSender";
    const good = await raw("GET", path, { ...(await sign(alice, "GET", path)), origin: WEB_ORIGIN });
    expect(good.status).toBe(200);
    expect(good.headers["access-control-allow-origin"]).toBe(WEB_ORIGIN);
    expect(good.headers["access-control-expose-headers"]).toMatch(/Retry-After/);
    const bad = await raw("GET", path, { ...(await sign(alice, "GET", path)), origin: "http://localhost:1" });
    expect(bad.status).toBe(403);
    expect(bad.headers["access-control-allow-origin"]).toBeUndefined();
    // a refusal to an allowed origin is readable by the page (CORS headers on errors too)
    const refused = await raw("GET", path, { origin: WEB_ORIGIN });
    expect(refused.status).toBe(401);
    expect(refused.headers["access-control-allow-origin"]).toBe(WEB_ORIGIN);
  });

  it("[PROTO-CAPI-20] serves the app's files with their types, and nothing outside the app directory", async () => {
    const index = await raw("GET", "/");
    expect(index.status).toBe(200);
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(index.body.toString()).toContain("<title>mimi</title>");
    const js = await raw("GET", "/app.js");
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await raw("GET", "/sub/")).body.toString()).toBe("<p>sub</p>");
    const head = await raw("HEAD", "/app.js");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await raw("POST", "/", {}, enc("x"))).status).toBe(405);
    expect((await raw("GET", "/missing.html")).status).toBe(404);
    for (const p of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/sub/..%2f..%2fsecret.txt",
      "/sub%5c..%5c..%5csecret.txt",
      "/link.txt",
      `/${encodeURIComponent(join(outside, "secret.txt"))}`,
      "/%00",
    ]) {
      const r = await raw("GET", p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body.toString(), p).not.toContain("top secret");
    }
  });

  it("[PROTO-CAPI-18] refuses a browser listener on plain HTTP off loopback", async () => {
    await expect(
      startClientApi({
        domain: "a.example",
        key: pkiA.server.privateKeyPem,
        cert: pkiA.server.certificatePem,
        clientCa: pkiA.ca.certificatePem,
        db,
        endpoints: [],
        federation,
        log: () => {},
        web: { host: "0.0.0.0", port: 0 },
      }),
    ).rejects.toMatchObject({ name: "ValidationError", rule: "PROTO-CAPI-18" });
  });
});

describe("enrollment", () => {
  const enroll = async (body: unknown, port?: number) =>
    raw(
      "POST",
      "/client/v1/enroll",
      { "content-type": "application/json" },
      utf8(typeof body === "string" ? body : JSON.stringify(body)),
      port,
    );
  const request = async (code: string, device = "browser", proofCode = code) => {
    const key = await generateSignatureKeyPair(cs);
    const proof = await cs.impl.signature.sign(key.signKey, enrollmentProofInput(proofCode));
    return { key, body: { code, device, publicKey: toBase64(key.publicKey), proof: toBase64(proof) } };
  };

  it("[PROTO-CAPI-21][PROTO-CAPI-22] issues a certificate for the proven key with a one-time code, which then signs requests", async () => {
    const { key, body } = await request("code-alice-1");
    const r = await enroll(body);
    expect(r.status, r.body.toString()).toBe(201);
    const a = JSON.parse(r.body.toString()) as {
      userUri: string;
      clientUri: string;
      certificate: string;
      trustAnchors: string[];
      trustAnchorDomains: (string | null)[];
    };
    expect(a.userUri).toBe("mimi://a.example/u/alice");
    expect(a.clientUri).toBe("mimi://a.example/d/alice/browser");
    // our client CAs and the peers' CAs, each once (these name their domains themselves)
    expect(a.trustAnchors).toEqual([pkiA.ca.certificatePem, pkiB.ca.certificatePem]);
    expect(a.trustAnchorDomains).toEqual([null, null]);
    const cert = fromBase64(a.certificate);
    const trust = createTrustStore([trustAnchor(pkiA.ca.certificatePem)]);
    const v = await validateClientChain([cert], { trust, expectUri: a.clientUri });
    expect(spkiMatchesSignatureKey(v.leafPublicKey, key.publicKey)).toBe(true);
    // the new client signs requests with its key and certificate
    const me: Signer = { clientUri: a.clientUri, userUri: a.userUri, key, cert };
    expect((await signed(me, "GET", "/client/v1/hubSender")).status).toBe(200);
    // the code is used
    const again = await enroll((await request("code-alice-1", "other")).body);
    expect(again.status).toBe(403);
    expect(reason(again)).toMatchObject({ rule: "PROTO-CAPI-21", what: "the enrollment code was used" });
  });

  it("[PROTO-CAPI-21] refuses an unknown or expired code with 403; codes added by the operator work on the TLS listener too", async () => {
    for (const [code, what] of [
      ["code-nobody-1", "unknown enrollment code"],
      ["code-old-1", "the enrollment code expired"],
    ] as const) {
      const r = await enroll((await request(code)).body);
      expect(r.status).toBe(403);
      expect(reason(r)).toMatchObject({ rule: "PROTO-CAPI-21", what });
    }
    const added = await api.addEnrollmentCode("mimi://a.example/u/bob");
    expect(added.code.length).toBeGreaterThanOrEqual(16);
    await expect(api.addEnrollmentCode("mimi://b.example/u/bob")).rejects.toBeInstanceOf(ValidationError);
    const { body } = await request(added.code, "phone2");
    const agent = new Agent({ ca: pkiA.ca.certificatePem, servername: "a.example" });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: "127.0.0.1",
            port: api.port,
            method: "POST",
            path: "/client/v1/enroll",
            agent,
            servername: "a.example",
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify(body));
      });
      expect(status).toBe(201);
    } finally {
      agent.destroy();
    }
  });

  it("[PROTO-CAPI-22] refuses a proof that does not verify under the key with 401 (the code stays usable)", async () => {
    const code = (await api.addEnrollmentCode("mimi://a.example/u/carl")).code;
    const { body } = await request(code, "tab", "another code");
    const r = await enroll(body);
    expect(r.status).toBe(401);
    expect(reason(r).rule).toBe("PROTO-CAPI-22");
    expect((await enroll((await request(code, "tab")).body)).status).toBe(201);
  });

  it("[PROTO-CAPI-23] refuses malformed enrollment requests with 400", async () => {
    const { body } = await request("code-whatever-1");
    for (const bad of [
      "not json",
      "[]",
      { ...body, extra: 1 },
      { ...body, code: "" },
      { ...body, device: "a/b" },
      { ...body, device: ".." },
      { ...body, publicKey: "AAAA" },
      { ...body, publicKey: "not base64!" },
      { code: body.code, device: body.device, publicKey: body.publicKey },
    ]) {
      const r = await enroll(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(reason(r).rule, JSON.stringify(bad)).toBe("PROTO-CAPI-23");
    }
  });
});
