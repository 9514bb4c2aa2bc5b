/**
 * Client API authentication a browser can do (decision 0810, `docs/client-api.md`): RFC 9421 HTTP
 * Message Signatures made with the client's MLS signature key, the key its X.509 client credential
 * binds, the credential sent beside them. Both sides are here, browser-safe (WebCrypto): the
 * signer the client SDK uses and the parser and verifier the provider uses.
 *
 * A signed request carries:
 *
 * ```http
 * Content-Digest: sha-256=:<base64 SHA-256 of the body>:          (requests with a body)
 * Signature-Input: mimi=("@method" "@target-uri" "content-digest");created=…;expires=…;nonce="…";keyid="<client URI>";alg="ed25519"
 * Signature: mimi=:<base64 signature>:
 * Mimi-Client-Certificate: :<base64 DER client certificate>:
 * ```
 *
 * The header values are RFC 8941 structured fields; the parser here reads exactly the subset the
 * scheme uses (dictionaries of inner lists of strings with integer and string parameters, and byte
 * sequences) and refuses anything else with a typed error.
 */
import { bytesEqualConstantTime, CodecError, fromBase64, toBase64, utf8, ValidationError } from "@mimi/wire";

/** The signature label (the dictionary key of `Signature-Input` and `Signature`). */
export const SIGNATURE_LABEL = "mimi";
/** The header carrying the client certificate (DER, an RFC 8941 byte sequence). */
export const CLIENT_CERTIFICATE_HEADER = "mimi-client-certificate";
/** Longest accepted `expires - created`, in seconds. */
export const MAX_SIGNATURE_LIFETIME_S = 300;
/** Signature lifetime the signer uses by default, in seconds. */
export const DEFAULT_SIGNATURE_LIFETIME_S = 60;
/** The request headers a signed request uses (what a CORS preflight must allow). */
export const SIGNED_REQUEST_HEADERS: readonly string[] = [
  "content-type",
  "content-digest",
  "signature",
  "signature-input",
  "mimi-client-certificate",
];

/** The RFC 9421 algorithms (§6.2 registry) of the MLS signature keys a client credential may bind. */
export type HttpSignatureAlgorithm = "ed25519" | "ecdsa-p256-sha256" | "ecdsa-p384-sha384";

const SPKI_PREFIXES: readonly {
  readonly alg: HttpSignatureAlgorithm;
  readonly prefix: string;
  readonly keyBytes: number;
}[] = [
  { alg: "ed25519", prefix: "302a300506032b6570032100", keyBytes: 32 },
  {
    alg: "ecdsa-p256-sha256",
    prefix: "3059301306072a8648ce3d020106082a8648ce3d03010703420004",
    keyBytes: 64,
  },
  { alg: "ecdsa-p384-sha384", prefix: "3076301006072a8648ce3d020106052b8104002203620004", keyBytes: 96 },
];

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** The algorithm of a DER SubjectPublicKeyInfo (Ed25519, P-256, P-384 uncompressed), or undefined. */
export function signatureAlgorithmOfSpki(spki: Uint8Array): HttpSignatureAlgorithm | undefined {
  const h = hex(spki);
  return SPKI_PREFIXES.find((p) => h.startsWith(p.prefix) && h.length === p.prefix.length + 2 * p.keyBytes)
    ?.alg;
}

const webcrypto = () => globalThis.crypto.subtle;

function importParams(alg: HttpSignatureAlgorithm) {
  if (alg === "ed25519") return { name: "Ed25519" };
  return { name: "ECDSA", namedCurve: alg === "ecdsa-p256-sha256" ? "P-256" : "P-384" };
}

function verifyParams(alg: HttpSignatureAlgorithm) {
  if (alg === "ed25519") return { name: "Ed25519" };
  return { name: "ECDSA", hash: alg === "ecdsa-p256-sha256" ? "SHA-256" : "SHA-384" };
}

/**
 * Whether `signature` (Ed25519: 64 bytes; ECDSA: r‖s, RFC 9421 §3.3.4–§3.3.6) over `data` verifies
 * under the key of `spki` (DER SubjectPublicKeyInfo). False for a key that does not import.
 */
export async function verifyWithSpki(
  spki: Uint8Array,
  alg: HttpSignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const key = await webcrypto().importKey("spki", new Uint8Array(spki), importParams(alg), false, [
      "verify",
    ]);
    return await webcrypto().verify(verifyParams(alg), key, new Uint8Array(signature), new Uint8Array(data));
  } catch {
    return false;
  }
}

/** The RFC 9530 `Content-Digest` value of `body`: `sha-256=:<base64>:`. */
export async function contentDigest(body: Uint8Array): Promise<string> {
  const d = new Uint8Array(await webcrypto().digest("SHA-256", new Uint8Array(body)));
  return `sha-256=:${toBase64(d)}:`;
}

/** The signature parameters of a signed request (RFC 9421 §2.3). */
export interface SignatureParams {
  /** The covered components, in order. */
  readonly components: readonly string[];
  /** Creation time, seconds since the UNIX epoch. */
  readonly created: number;
  /** Expiry time, seconds since the UNIX epoch. */
  readonly expires: number;
  /** A value used once per client while the signature lives. */
  readonly nonce: string;
  /** The signing client's URI. */
  readonly keyid: string;
  /** The signature algorithm (RFC 9421 §6.2). */
  readonly alg: HttpSignatureAlgorithm;
}

const sfString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The serialized `@signature-params` value (the `Signature-Input` member's value). */
export function serializeSignatureParams(p: SignatureParams): string {
  return (
    `(${p.components.map(sfString).join(" ")});created=${p.created};expires=${p.expires}` +
    `;nonce=${sfString(p.nonce)};keyid=${sfString(p.keyid)};alg=${sfString(p.alg)}`
  );
}

/** What a covered component's value is taken from. */
export interface SignedRequestParts {
  /** The HTTP method. */
  readonly method: string;
  /** The target URI as the client sent it (absolute). */
  readonly url: string;
  /** The `Content-Digest` header value, when the request has one. */
  readonly contentDigest?: string;
}

/**
 * The signature base of RFC 9421 §2.5 for the covered components of `p`.
 *
 * @throws ValidationError for a component the scheme does not cover, or a missing value.
 */
export function signatureBase(parts: SignedRequestParts, p: SignatureParams): Uint8Array {
  const lines = p.components.map((c) => {
    switch (c) {
      case "@method":
        return `"@method": ${parts.method.toUpperCase()}`;
      case "@target-uri":
        return `"@target-uri": ${new URL(parts.url).href}`;
      case "content-digest":
        if (parts.contentDigest === undefined)
          throw new ValidationError("content-digest is covered but the request has none", {
            path: "/headers/content-digest",
            rule: "PROTO-CAPI-15",
          });
        return `"content-digest": ${parts.contentDigest.trim()}`;
      default:
        throw new ValidationError(`component ${JSON.stringify(c)} is not covered by this scheme`, {
          path: "/headers/signature-input",
          rule: "PROTO-CAPI-15",
        });
    }
  });
  lines.push(`"@signature-params": ${serializeSignatureParams(p)}`);
  return utf8(lines.join("\n"));
}

/** What {@link signClientRequest} needs. */
export interface ClientRequestToSign {
  /** The HTTP method. */
  readonly method: string;
  /** The absolute URL requested (the `@target-uri`). */
  readonly url: string | URL;
  /** The request body (a Content-Digest is sent and covered when present). */
  readonly body?: Uint8Array;
  /** The client certificate (DER) whose key signs. */
  readonly certificate: Uint8Array;
  /** The client URI the certificate names (the `keyid`). */
  readonly keyid: string;
  /** The algorithm of the certificate's key. */
  readonly alg: HttpSignatureAlgorithm;
  /** Signs the signature base with the certificate's key (Ed25519 64 bytes, ECDSA r‖s). */
  readonly sign: (base: Uint8Array) => Promise<Uint8Array>;
  /** The current time in ms (default `Date.now()`). */
  readonly now?: number;
  /** Seconds until the signature expires (default {@link DEFAULT_SIGNATURE_LIFETIME_S}). */
  readonly lifetimeS?: number;
  /** The nonce (default 16 random bytes, base64url). */
  readonly nonce?: string;
}

function randomNonce(): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return toBase64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The headers that sign a client API request (lower-case names). */
export async function signClientRequest(r: ClientRequestToSign): Promise<Record<string, string>> {
  const url = typeof r.url === "string" ? r.url : r.url.href;
  const created = Math.floor((r.now ?? Date.now()) / 1000);
  const headers: Record<string, string> = {};
  const components = ["@method", "@target-uri"];
  if (r.body !== undefined) {
    headers["content-digest"] = await contentDigest(r.body);
    components.push("content-digest");
  }
  const params: SignatureParams = {
    components,
    created,
    expires: created + (r.lifetimeS ?? DEFAULT_SIGNATURE_LIFETIME_S),
    nonce: r.nonce ?? randomNonce(),
    keyid: r.keyid,
    alg: r.alg,
  };
  const base = signatureBase(
    {
      method: r.method,
      url,
      ...(headers["content-digest"] === undefined ? {} : { contentDigest: headers["content-digest"] }),
    },
    params,
  );
  const signature = await r.sign(base);
  headers["signature-input"] = `${SIGNATURE_LABEL}=${serializeSignatureParams(params)}`;
  headers["signature"] = `${SIGNATURE_LABEL}=:${toBase64(signature)}:`;
  headers[CLIENT_CERTIFICATE_HEADER] = `:${toBase64(r.certificate)}:`;
  return headers;
}

// ---- RFC 8941 structured fields: the subset the scheme uses ----

type Bare = string | number | boolean | Uint8Array | { readonly token: string };
interface Item {
  readonly value: Bare;
  readonly params: ReadonlyMap<string, Bare>;
}
interface InnerList {
  readonly items: readonly Item[];
  readonly params: ReadonlyMap<string, Bare>;
}

class SfParser {
  private at = 0;
  constructor(
    private readonly s: string,
    private readonly path: string,
  ) {}

  fail(what: string): never {
    throw new CodecError(`${what} at character ${this.at}`, { path: this.path });
  }
  private peek(): string {
    return this.s[this.at] ?? "";
  }
  private sp(): void {
    while (this.peek() === " ") this.at++;
  }
  private ows(): void {
    while (this.peek() === " " || this.peek() === "\t") this.at++;
  }
  start(): void {
    this.sp();
  }
  end(): void {
    this.sp();
    if (this.at !== this.s.length) this.fail("unexpected characters");
  }

  key(): string {
    const m = /^[a-z*][a-z0-9_\-.*]*/.exec(this.s.slice(this.at));
    if (m === null) this.fail("expected a key");
    this.at += m[0].length;
    return m[0];
  }

  bare(): Bare {
    const c = this.peek();
    if (c === '"') {
      this.at++;
      let out = "";
      for (;;) {
        const ch = this.s[this.at++];
        if (ch === undefined) this.fail("unterminated string");
        if (ch === "\\") {
          const n = this.s[this.at++];
          if (n !== '"' && n !== "\\") this.fail("bad escape in string");
          out += n;
        } else if (ch === '"') return out;
        else if (ch < " " || ch > "~") this.fail("non-ASCII character in string");
        else out += ch;
      }
    }
    if (c === ":") {
      const close = this.s.indexOf(":", this.at + 1);
      if (close < 0) this.fail("unterminated byte sequence");
      const b64 = this.s.slice(this.at + 1, close);
      this.at = close + 1;
      return fromBase64(b64, this.path);
    }
    if (c === "?") {
      const v = this.s[this.at + 1];
      if (v !== "0" && v !== "1") this.fail("bad boolean");
      this.at += 2;
      return v === "1";
    }
    const num = /^-?[0-9]{1,15}(?![0-9.])/.exec(this.s.slice(this.at));
    if (num !== null) {
      this.at += num[0].length;
      return Number(num[0]);
    }
    const tok = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(this.s.slice(this.at));
    if (tok !== null) {
      this.at += tok[0].length;
      return { token: tok[0] };
    }
    return this.fail("expected a bare item");
  }

  params(): Map<string, Bare> {
    const out = new Map<string, Bare>();
    while (this.peek() === ";") {
      this.at++;
      this.sp();
      const k = this.key();
      let v: Bare = true;
      if (this.peek() === "=") {
        this.at++;
        v = this.bare();
      }
      out.set(k, v);
    }
    return out;
  }

  item(): Item {
    const value = this.bare();
    return { value, params: this.params() };
  }

  itemOrInnerList(): Item | InnerList {
    if (this.peek() !== "(") return this.item();
    this.at++;
    const items: Item[] = [];
    for (;;) {
      this.sp();
      if (this.peek() === ")") {
        this.at++;
        return { items, params: this.params() };
      }
      items.push(this.item());
      const n = this.peek();
      if (n !== " " && n !== ")") this.fail("expected a space or ) in an inner list");
    }
  }

  dictionary(): Map<string, Item | InnerList> {
    const out = new Map<string, Item | InnerList>();
    this.start();
    if (this.at === this.s.length) return out;
    for (;;) {
      const k = this.key();
      let member: Item | InnerList;
      if (this.peek() === "=") {
        this.at++;
        member = this.itemOrInnerList();
      } else member = { value: true, params: this.params() };
      out.set(k, member);
      this.ows();
      if (this.at === this.s.length) return out;
      if (this.peek() !== ",") this.fail("expected , between dictionary members");
      this.at++;
      this.ows();
      if (this.at === this.s.length) this.fail("trailing comma");
    }
  }
}

const isInnerList = (m: Item | InnerList): m is InnerList => "items" in m;

/** The one byte sequence of a header (`:base64:`). @throws CodecError otherwise. */
export function parseByteSequenceHeader(value: string, path: string): Uint8Array {
  const p = new SfParser(value, path);
  p.start();
  const item = p.item();
  p.end();
  const v = item.value;
  if (!(v instanceof Uint8Array)) return p.fail("expected a byte sequence");
  return v;
}

/** The `sha-256` digest of a `Content-Digest` dictionary. @throws CodecError when it has none. */
function sha256OfDigest(value: string): Uint8Array {
  const path = "/headers/content-digest";
  const members = new SfParser(value, path).dictionary();
  const m = members.get("sha-256");
  if (m === undefined || isInnerList(m) || !(m.value instanceof Uint8Array))
    throw new CodecError("Content-Digest has no sha-256 byte sequence", { path, rule: "PROTO-CAPI-15" });
  return m.value;
}

const ALGS: readonly HttpSignatureAlgorithm[] = ["ed25519", "ecdsa-p256-sha256", "ecdsa-p384-sha384"];

/** A request's headers, by lower-case name (a single value, as Node and `fetch` join them). */
export type HeaderLookup = (name: string) => string | undefined;

/** A parsed client signature, its digest checked against the body. */
export interface ParsedClientSignature {
  /** The signature parameters of the `mimi` signature. */
  readonly params: SignatureParams;
  /** The signature's bytes. */
  readonly signature: Uint8Array;
  /** The client certificate (DER) sent with it. */
  readonly certificate: Uint8Array;
  /** The signature base to verify `signature` over. */
  readonly base: Uint8Array;
}

/** True when the request carries a client signature (a `Signature` or `Signature-Input` header). */
export function hasClientSignature(header: HeaderLookup): boolean {
  return header("signature") !== undefined || header("signature-input") !== undefined;
}

/**
 * Parse the signature headers of a request and check what needs no key: the label's members, the
 * covered components (exactly `@method`, `@target-uri`, and `content-digest` when there is a body),
 * the parameters' types and the Content-Digest against `body`.
 *
 * @throws CodecError for a malformed header; ValidationError (rule `PROTO-CAPI-14` or `-15`) for
 * a signature that does not follow the scheme or a digest that does not match the body.
 */
export async function parseClientSignature(
  header: HeaderLookup,
  request: { readonly method: string; readonly url: string; readonly body: Uint8Array },
): Promise<ParsedClientSignature> {
  const need = (name: string): string => {
    const v = header(name);
    // [PROTO-CAPI-14] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0810): a request without a client certificate is
    // authenticated by an RFC 9421 signature made with the client credential's key, sent with it.
    if (v === undefined)
      throw new ValidationError(`the ${name} header is required`, {
        path: `/headers/${name}`,
        rule: "PROTO-CAPI-14",
      });
    return v;
  };
  const inputs = new SfParser(need("signature-input"), "/headers/signature-input").dictionary();
  const sigs = new SfParser(need("signature"), "/headers/signature").dictionary();
  const certificate = parseByteSequenceHeader(
    need(CLIENT_CERTIFICATE_HEADER),
    `/headers/${CLIENT_CERTIFICATE_HEADER}`,
  );
  const input = inputs.get(SIGNATURE_LABEL);
  const sig = sigs.get(SIGNATURE_LABEL);
  const bad = (what: string, path = "/headers/signature-input"): never => {
    throw new ValidationError(what, { path, rule: "PROTO-CAPI-14" });
  };
  if (input === undefined || !isInnerList(input)) return bad(`no "${SIGNATURE_LABEL}" signature input`);
  if (sig === undefined || isInnerList(sig) || !(sig.value instanceof Uint8Array))
    return bad(`no "${SIGNATURE_LABEL}" signature`, "/headers/signature");
  const components = input.items.map((i) => {
    if (typeof i.value !== "string" || i.params.size > 0) bad("covered components must be plain strings");
    return i.value as string;
  });
  const hasBody = request.body.length > 0;
  const expected = hasBody ? ["@method", "@target-uri", "content-digest"] : ["@method", "@target-uri"];
  const digestHeader = header("content-digest");
  // [PROTO-CAPI-15] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0810): the signature covers the method, the target
  // URI and, for a request with a body, its Content-Digest (RFC 9530), which matches the body.
  const covers = (c: string) => components.includes(c);
  if (
    !expected.every(covers) ||
    !components.every(
      (c) => expected.includes(c) || (c === "content-digest" && digestHeader !== undefined),
    ) ||
    new Set(components).size !== components.length
  )
    throw new ValidationError(
      `the signature must cover ${expected.map((c) => `"${c}"`).join(" ")} (covers ${components.map((c) => `"${c}"`).join(" ")})`,
      { path: "/headers/signature-input", rule: "PROTO-CAPI-15" },
    );
  if (covers("content-digest")) {
    const got = sha256OfDigest(digestHeader ?? "");
    const want = new Uint8Array(await webcrypto().digest("SHA-256", new Uint8Array(request.body)));
    if (!bytesEqualConstantTime(got, want))
      throw new ValidationError("the Content-Digest does not match the body", {
        path: "/headers/content-digest",
        rule: "PROTO-CAPI-15",
      });
  }
  const int = (k: string): number => {
    const v = input.params.get(k);
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      return bad(`${k} must be a non-negative integer`);
    return v;
  };
  const str = (k: string, max: number): string => {
    const v = input.params.get(k);
    if (typeof v !== "string" || v === "" || v.length > max)
      return bad(`${k} must be a string of 1 to ${max} characters`);
    return v;
  };
  for (const k of input.params.keys())
    if (!["created", "expires", "nonce", "keyid", "alg"].includes(k)) bad(`unknown signature parameter ${k}`);
  const alg = str("alg", 32);
  if (!(ALGS as readonly string[]).includes(alg)) bad(`alg ${JSON.stringify(alg)} is not supported`);
  const params: SignatureParams = {
    components,
    created: int("created"),
    expires: int("expires"),
    nonce: str("nonce", 128),
    keyid: str("keyid", 2048),
    alg: alg as HttpSignatureAlgorithm,
  };
  const base = signatureBase(
    {
      method: request.method,
      url: request.url,
      ...(digestHeader === undefined ? {} : { contentDigest: digestHeader }),
    },
    params,
  );
  return { params, signature: sig.value, certificate, base };
}

/** The label of the enrollment proof (decision 0811). */
export const ENROLLMENT_PROOF_LABEL = "MIMI client enrollment v1";

/** The bytes an enrollment proof signs: the label, a zero byte, the code (UTF-8). */
export function enrollmentProofInput(code: string): Uint8Array {
  return utf8(`${ENROLLMENT_PROOF_LABEL}\u0000${code}`);
}
