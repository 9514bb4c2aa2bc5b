/**
 * The client API's second way to authenticate a client (decision 0810): an RFC 9421 HTTP Message
 * Signature made with the client's MLS signature key, with the X.509 client certificate binding
 * that key sent beside it (`@mimi/protocol`'s `parseClientSignature` for the scheme). It proves
 * what a TLS client certificate proves: the certificate chains to our client CA and is not
 * revoked, names one client of our domain, and its key signed this very request (method, target
 * URI, body digest) within a short window, once (a bounded replay cache of nonces).
 */
import type { IncomingMessage } from "node:http";
import {
  CertificateValidationError,
  createTrustStore,
  decodePemAll,
  type TrustStore,
  trustAnchor,
  validateClientChain,
} from "@mimi/identity";
import {
  MAX_SIGNATURE_LIFETIME_S,
  parseClientSignature,
  signatureAlgorithmOfSpki,
  verifyWithSpki,
} from "@mimi/protocol";
import { MimiError } from "@mimi/wire";
import { HttpRejection } from "../server/http-error.js";
import { pemList } from "../server/tls-server.js";

/** Options of {@link createSignatureAuthenticator}. */
export interface SignatureAuthOptions {
  /** Our provider domain (lower case). */
  readonly domain: string;
  /** PEM CA certificate(s) issuing our clients' certificates. */
  readonly clientCa: string | Buffer | readonly (string | Buffer)[];
  /** PEM CRLs of those CAs. */
  readonly crl?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** Clock, ms since the UNIX epoch. */
  readonly now: () => number;
  /** How far `created` may lie in the future, seconds (default 30). */
  readonly skewS?: number;
  /** Largest `expires - created`, seconds (default {@link MAX_SIGNATURE_LIFETIME_S}). */
  readonly maxLifetimeS?: number;
  /** Most nonces remembered at once (default 1,000,000); beyond, new signatures get 429. */
  readonly maxNonces?: number;
}

/** Authenticates signed requests; `authenticate` answers the client URI. */
export interface SignatureAuthenticator {
  /**
   * The client a signed request authenticates.
   *
   * @throws HttpRejection 401 (a signature, certificate or time that does not hold, a replay), 403
   * (a client of another domain), 429 (the replay cache is full).
   */
  authenticate(req: IncomingMessage, targetUri: string, body: Uint8Array): Promise<string>;
  /** Trust other client CAs and CRLs (for requests from now on). */
  reload(clientCa: SignatureAuthOptions["clientCa"], crl?: SignatureAuthOptions["crl"]): void;
}

const text = (v: string | Buffer): string => (typeof v === "string" ? v : v.toString("utf8"));

function trustOf(domain: string, clientCa: SignatureAuthOptions["clientCa"]): TrustStore {
  // our client CAs certify our clients (bound to our domain by configuration, decision 0401)
  return createTrustStore(
    pemList(clientCa).flatMap((pem, i) =>
      decodePemAll(text(pem), "CERTIFICATE", `/clientCa/${i}`).map((der) => trustAnchor(der, domain)),
    ),
  );
}

function crlsOf(crl: SignatureAuthOptions["crl"]): Uint8Array[] {
  return crl === undefined
    ? []
    : pemList(crl).flatMap((pem, i) => decodePemAll(text(pem), "X509 CRL", `/crl/${i}`));
}

/** Nonces of verified signatures until their expiry, per client. */
class NonceCache {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;
  constructor(private readonly max: number) {}

  /** False when `nonce` was seen for `client` before; remembers it until `untilMs`. */
  take(client: string, nonce: string, untilMs: number, nowMs: number): boolean {
    if (nowMs >= this.nextSweep || this.seen.size >= this.max) {
      for (const [k, until] of this.seen) if (until < nowMs) this.seen.delete(k);
      this.nextSweep = nowMs + 10_000;
    }
    const key = `${client}\n${nonce}`;
    const known = this.seen.get(key);
    if (known !== undefined && known >= nowMs) return false;
    if (this.seen.size >= this.max)
      throw new HttpRejection(429, "too many signed requests within the signatures' lifetime", {
        retryAfterSeconds: 1,
        rule: "PROTO-CAPI-17",
      });
    this.seen.set(key, untilMs);
    return true;
  }
}

/** A signature authenticator over our client CAs. */
export function createSignatureAuthenticator(options: SignatureAuthOptions): SignatureAuthenticator {
  const domain = options.domain;
  const skewS = options.skewS ?? 30;
  const maxLifetimeS = options.maxLifetimeS ?? MAX_SIGNATURE_LIFETIME_S;
  let trust = trustOf(domain, options.clientCa);
  let crls = crlsOf(options.crl);
  const nonces = new NonceCache(options.maxNonces ?? 1_000_000);

  const refuse = (what: string, rule: string, status = 401): never => {
    throw new HttpRejection(status, what, { rule, path: "/headers/signature" });
  };

  return {
    reload(clientCa, crl) {
      const t = trustOf(domain, clientCa);
      const c = crlsOf(crl);
      trust = t;
      crls = c;
    },
    async authenticate(req, targetUri, body) {
      const header = (name: string): string | undefined => {
        const v = req.headers[name];
        return Array.isArray(v) ? v.join(", ") : v;
      };
      let parsed: Awaited<ReturnType<typeof parseClientSignature>>;
      try {
        parsed = await parseClientSignature(header, { method: req.method ?? "", url: targetUri, body });
      } catch (e) {
        if (e instanceof MimiError) refuse(e.what, e.rule ?? "PROTO-CAPI-14");
        throw e;
      }
      const { params } = parsed;
      const nowMs = options.now();
      const nowS = Math.floor(nowMs / 1000);
      // [PROTO-CAPI-16] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0810): a signature is accepted only within its
      // window: `created` not in the future beyond a small skew, `expires` not past, and
      // `expires - created` positive and at most 300 s.
      if (params.created > nowS + skewS)
        refuse(`created ${params.created} is in the future`, "PROTO-CAPI-16");
      if (params.expires < nowS) refuse(`the signature expired at ${params.expires}`, "PROTO-CAPI-16");
      if (params.expires <= params.created || params.expires - params.created > maxLifetimeS)
        refuse(`expires - created must be 1..${maxLifetimeS} s`, "PROTO-CAPI-16");
      // [PROTO-CAPI-14] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0810): the certificate sent with the signature
      // chains to our client CA (and is not revoked) and names one client of our domain.
      let clientUri: string;
      let spki: Uint8Array;
      try {
        const v = await validateClientChain([parsed.certificate], { trust, crls, at: new Date(nowMs) });
        clientUri = v.identity.clientUri;
        spki = v.leafPublicKey;
      } catch (e) {
        if (e instanceof CertificateValidationError && e.reason === "domain-mismatch")
          return refuse(`the certificate names a client of another domain: ${e.what}`, "PROTO-CAPI-02", 403);
        if (e instanceof MimiError)
          return refuse(`the client certificate is not valid: ${e.what}`, "PROTO-CAPI-14");
        throw e;
      }
      if (params.keyid !== clientUri)
        refuse(
          `keyid ${JSON.stringify(params.keyid)} is not the certificate's client ${clientUri}`,
          "PROTO-CAPI-14",
        );
      // [PROTO-CAPI-15] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0810): the signature over the covered components
      // verifies under the certificate's key, with the algorithm of that key.
      const alg = signatureAlgorithmOfSpki(spki);
      if (alg === undefined || alg !== params.alg)
        refuse(`alg ${params.alg} is not the algorithm of the certificate's key`, "PROTO-CAPI-15");
      if (!(await verifyWithSpki(spki, params.alg, parsed.base, parsed.signature)))
        refuse("the signature does not verify under the client certificate's key", "PROTO-CAPI-15");
      // [PROTO-CAPI-17] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0810): a nonce is accepted once per client within
      // the signature's lifetime (a replayed request is refused).
      if (!nonces.take(clientUri, params.nonce, (params.expires + skewS) * 1000, nowMs))
        refuse("the nonce was used before (a replayed request)", "PROTO-CAPI-17");
      return clientUri;
    },
  };
}
