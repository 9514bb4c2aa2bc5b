/**
 * The browser listener and enrollment from `mimi serve`'s configuration (files: the issuer's key
 * and certificate, the enrollment code file, the app directory), and the browser listener over
 * HTTPS with its own key and certificate (decision 0811).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProviderPki, type ProviderPki } from "@mimi/identity";
import { generateSignatureKeyPair, loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { enrollmentProofInput, signClientRequest } from "@mimi/protocol";
import { fromBase64, toBase64 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderFromConfig } from "../src/provider/from-config.js";
import type { RunningProvider } from "../src/provider/provider.js";
import { parseProviderConfig } from "../src/server/config.js";

let cs: MlsCiphersuite;
let pki: ProviderPki;
let dir: string;
let running: RunningProvider;

function send(
  secure: boolean,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: import("node:http").IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    };
    const req = secure
      ? httpsRequest(
          {
            host: "127.0.0.1",
            port,
            method,
            path,
            headers,
            agent: new Agent({ ca: pki.ca.certificatePem, servername: "a.example" }),
            servername: "a.example",
          },
          onResponse,
        )
      : httpRequest({ host: "127.0.0.1", port, method, path, headers }, onResponse);
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  cs = await loadCiphersuite();
  pki = await createProviderPki("a.example");
  dir = mkdtempSync(join(tmpdir(), "mimi-web-config-"));
  writeFileSync(join(dir, "server.key"), pki.server.privateKeyPem);
  writeFileSync(join(dir, "server.pem"), pki.server.certificatePem);
  writeFileSync(join(dir, "ca.pem"), pki.ca.certificatePem);
  writeFileSync(join(dir, "ca.key"), pki.ca.privateKeyPem);
  mkdirSync(join(dir, "web"));
  writeFileSync(join(dir, "web", "index.html"), "<title>app</title>");
  writeFileSync(
    join(dir, "codes.json"),
    JSON.stringify([
      {
        code: "file-code-1",
        user: "mimi://a.example/u/alice",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    ]),
  );
  const config = parseProviderConfig(
    {
      domain: "a.example",
      listen: { port: 0 },
      tls: { key: "server.key", cert: "server.pem", ca: "ca.pem" },
      storage: "memory://",
      clientApi: {
        port: 0,
        ca: "ca.pem",
        web: { port: 0, app: "web", key: "server.key", cert: "server.pem" },
        issuer: { key: "ca.key", cert: "ca.pem" },
        enrollmentCodes: "codes.json",
      },
      logLevel: "error",
    },
    dir,
  );
  running = await startProviderFromConfig(config, () => {});
});

afterAll(async () => {
  await running?.stop(500);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("the browser listener and enrollment from the configuration file", () => {
  it("[PROTO-CAPI-21] enrolls with a code of the file over the HTTPS browser listener, whose signed requests then work", async () => {
    const port = running.clientApiWebPort!;
    expect((await send(true, port, "GET", "/", {})).body).toBe("<title>app</title>");
    const key = await generateSignatureKeyPair(cs);
    const proof = await cs.impl.signature.sign(key.signKey, enrollmentProofInput("file-code-1"));
    const enrolled = await send(
      true,
      port,
      "POST",
      "/client/v1/enroll",
      { "content-type": "application/json" },
      JSON.stringify({
        code: "file-code-1",
        device: "web",
        publicKey: toBase64(key.publicKey),
        proof: toBase64(proof),
      }),
    );
    expect(enrolled.status, enrolled.body).toBe(201);
    const a = JSON.parse(enrolled.body) as { clientUri: string; certificate: string; trustAnchors: string[] };
    expect(a.clientUri).toBe("mimi://a.example/d/alice/web");
    expect(a.trustAnchors).toEqual([pki.ca.certificatePem]);
    const path = "/client/v1/hubSender";
    const headers = await signClientRequest({
      method: "GET",
      url: `https://127.0.0.1:${port}${path}`,
      certificate: fromBase64(a.certificate),
      keyid: a.clientUri,
      alg: "ed25519",
      sign: (base) => cs.impl.signature.sign(key.signKey, base),
    });
    expect((await send(true, port, "GET", path, headers)).status).toBe(200);
  });
});
