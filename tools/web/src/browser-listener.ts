/**
 * A provider's browser listener, as the web app needs it: plain HTTP on loopback, serving the
 * app's files at `/`, `POST /client/v1/enroll` with a one-time code, and the client API for the
 * enrolled page.
 *
 * INTERIM (see docs/web.md): this runs in the demo's process in front of the provider's client
 * API until the provider's own browser listener (`mimi serve` `clientApi.web`, RFC 9421 request
 * signatures with the client's MLS key) is merged. It issues the page's MLS credential for the
 * public key the page sent (the private key stays in the page), keeps a TLS client certificate
 * of the same client for itself, and forwards the page's client API requests with it; the page
 * is recognised by an HttpOnly, SameSite=Strict session cookie set at enrollment.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { extname, join } from "node:path";
import { parseMimiUri } from "@mimi/identifiers";
import { type CertifiedKeyPem, issueClientCertificate, spkiFromMlsSignatureKey } from "@mimi/identity";
import { fromHex } from "@mimi/wire";

/** Options of {@link startBrowserListener}. */
export interface BrowserListenerOptions {
  readonly domain: string;
  /** The provider's client API (HTTPS, client certificates). */
  readonly clientApiUrl: string;
  /** The provider's client CA, which issues the page's credentials. */
  readonly issuer: CertifiedKeyPem;
  /** Trust anchors (PEM) the page's client needs: every provider of the federation. */
  readonly trustAnchors: readonly string[];
  /** The built app's directory. */
  readonly app: string;
  /** Port on 127.0.0.1 (default: a free one). */
  readonly port?: number;
}

/** A running browser listener. */
export interface BrowserListener {
  readonly port: number;
  /** The app's origin for this provider: `http://<first label>.localhost:<port>`. */
  readonly origin: string;
  /** A one-time enrollment code for `user` (a `mimi://<domain>/u/<name>` URI), valid for an hour. */
  issueCode(user: string): string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};
const FILES = new Set(["index.html", "app.js", "app.css", "app.js.map", "app.js.LEGAL.txt"]);
const MAX_BODY = 16 * 1024 * 1024;
const COOKIE = "mimi-session";

class Refused extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(what);
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        fail(new Refused(413, `request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => done(Buffer.concat(chunks)));
    req.on("error", fail);
  });
}

function cookieOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, v] = part.trim().split("=");
    if (k === COOKIE && v !== undefined && /^[0-9a-f]{64}$/.test(v)) return v;
  }
  return undefined;
}

/** Start the listener; resolves once it listens. */
export async function startBrowserListener(options: BrowserListenerOptions): Promise<BrowserListener> {
  const codes = new Map<string, { readonly user: string; readonly expiresAt: number }>();
  const sessions = new Map<string, { readonly certificatePem: string; readonly privateKeyPem: string }>();
  const upstream = new URL(options.clientApiUrl);
  const label = options.domain.split(".")[0] ?? options.domain;
  let origin = "";

  const enroll = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: { code?: unknown; device?: unknown; publicKey?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString("utf8")) as typeof body;
    } catch (e) {
      if (e instanceof Refused) throw e;
      throw new Refused(400, "the enrollment request is not JSON");
    }
    if (typeof body !== "object" || body === null)
      throw new Refused(400, "the enrollment request is not an object");
    const { code, device, publicKey } = body;
    if (typeof code !== "string" || typeof device !== "string" || typeof publicKey !== "string")
      throw new Refused(400, "the enrollment request needs code, device and publicKey strings");
    if (!/^[a-z0-9]{1,32}$/i.test(device)) throw new Refused(400, "device must be 1–32 letters or digits");
    if (!/^[0-9a-f]{64}$/i.test(publicKey))
      throw new Refused(400, "publicKey must be 32 bytes of hex (Ed25519)");
    const entry = codes.get(code);
    // a code is spent by its first use, and only for the user it was issued to
    if (entry === undefined || entry.expiresAt < Date.now())
      throw new Refused(403, "unknown or expired enrollment code");
    codes.delete(code); // one time only
    const user = parseMimiUri(entry.user);
    const name = user.segments[0] ?? "";
    const clientUri = `mimi://${options.domain}/d/${name}/${device}`;
    const mls = await issueClientCertificate(options.issuer, {
      userUri: user.uri,
      clientUri,
      publicKey: spkiFromMlsSignatureKey(fromHex(publicKey)),
    });
    const tls = await issueClientCertificate(options.issuer, { userUri: user.uri, clientUri });
    if (tls.privateKeyPem === undefined) throw new Refused(500, "the CA returned no TLS key");
    const session = randomBytes(32).toString("hex");
    sessions.set(session, { certificatePem: tls.certificatePem, privateKeyPem: tls.privateKeyPem });
    res.setHeader("set-cookie", `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/client/v1/`);
    answer(res, 200, {
      userUri: user.uri,
      clientUri,
      credentialPem: mls.certificatePem,
      trustAnchors: options.trustAnchors,
    });
  };

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = cookieOf(req);
    const tls = token === undefined ? undefined : sessions.get(token);
    if (tls === undefined) throw new Refused(401, "not enrolled: open the page with an enrollment code");
    const body = req.method === "POST" ? await readBody(req) : undefined;
    const up = httpsRequest({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      servername: options.domain,
      cert: tls.certificatePem,
      key: tls.privateKeyPem,
      ca: options.issuer.certificatePem,
      headers:
        body === undefined
          ? {}
          : { "content-type": "application/octet-stream", "content-length": body.length },
    });
    res.on("close", () => up.destroy());
    up.on("response", (r) => {
      res.writeHead(r.statusCode ?? 502, {
        "content-type": r.headers["content-type"] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      r.pipe(res);
    });
    up.on("error", (e) => {
      if (!res.headersSent) answer(res, 502, { error: "Unavailable", what: `client API: ${e.message}` });
      else res.destroy();
    });
    up.end(body);
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const name = path === "/" ? "index.html" : path.slice(1);
    if (!FILES.has(name)) throw new Refused(404, `no file ${path}`);
    const bytes = readFileSync(join(options.app, name));
    res.writeHead(200, {
      "content-type": TYPES[extname(name)] ?? "application/octet-stream",
      "cache-control": "no-cache",
    });
    res.end(bytes);
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    void (async () => {
      // a page of another origin may not use this client's session (CORS is not offered at all)
      const from = req.headers.origin;
      if (from !== undefined && from !== origin && !from.startsWith("http://127.0.0.1:"))
        throw new Refused(403, `requests from ${from} are not accepted`);
      if (req.method === "POST" && path === "/client/v1/enroll") return enroll(req, res);
      if (path.startsWith("/client/v1/")) {
        if (req.method !== "GET" && req.method !== "POST")
          throw new Refused(405, `${req.method} not allowed`);
        return forward(req, res);
      }
      if (req.method !== "GET") throw new Refused(405, `${req.method} not allowed`);
      return serveFile(req, res);
    })().catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof Refused) return answer(res, e.status, { error: "Refused", what: e.message });
      const what = e instanceof Error ? e.message : String(e);
      answer(res, /^(Validation|Codec)Error$/.test((e as Error).name) ? 400 : 500, {
        error: (e as Error).name,
        what,
      });
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => done());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  origin = `http://${label}.localhost:${port}`;
  return {
    port,
    origin,
    issueCode(user: string): string {
      const u = parseMimiUri(user);
      if (u.kind !== "u" || u.domain !== options.domain)
        throw new Refused(400, `${user} is not a user of ${options.domain}`);
      const code = randomBytes(16).toString("hex");
      codes.set(code, { user: u.uri, expiresAt: Date.now() + 3600_000 });
      return code;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
