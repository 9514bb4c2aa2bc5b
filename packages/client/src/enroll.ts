/**
 * Enrollment with a one-time code (decision 0811): a client that holds no certificate (a web page)
 * generates its MLS signature key pair, proves it holds it, and gets its client certificate and
 * its provider's trust anchors from `POST /client/v1/enroll`.
 */
import {
  createTrustStore,
  spkiMatchesSignatureKey,
  type TrustAnchor,
  type TrustStore,
  trustAnchor,
  validateClientChain,
} from "@mimi/identity";
import { generateSignatureKeyPair, type MlsCiphersuite } from "@mimi/mls-profile";
import { clientApiPath, enrollmentProofInput, parseEnrollResponse } from "@mimi/protocol";
import { ProtocolError, toBase64, utf8, ValidationError } from "@mimi/wire";
import { createHttpClient } from "#platform";
import type { ProvisionedClient } from "./client-identity.js";
import { signForHttp } from "./request-signature.js";

/** Options of {@link enrollClient}. */
export interface EnrollOptions {
  /** The provider's client API base URL (its browser listener in a page). */
  readonly url: string;
  /** The one-time enrollment code the provider's operator gave. */
  readonly code: string;
  /** The device name: the last segment of the client URI. */
  readonly device: string;
  /** The cipher suite whose signature scheme the new key is of. */
  readonly cs: MlsCiphersuite;
  /** CA certificate(s) (PEM) of an HTTPS client API's server certificate (Node only). */
  readonly ca?: string;
}

/** An enrolled client: its identity (no TLS material) and its provider's trust anchors. */
export interface EnrolledClient extends ProvisionedClient {
  /** The CA certificates (PEM) the provider trusts for clients' credentials. */
  readonly trustAnchors: readonly string[];
  /** Those of them usable as MIMI trust anchors, for `ClientCore`'s `trust`. */
  readonly trust: TrustStore;
}

/**
 * Enroll a new client with a one-time code: generate its MLS signature key pair, prove possession
 * (a signature over the code), and check the certificate answered (it binds the key, names the
 * client URI, and chains to one of the trust anchors answered).
 *
 * @throws ProtocolError when the provider refuses (with its reason); ValidationError /
 * CertificateValidationError when its answer is not a valid certificate for our key.
 */
export async function enrollClient(options: EnrollOptions): Promise<EnrolledClient> {
  const signatureKeyPair = await generateSignatureKeyPair(options.cs);
  const proof = await signForHttp(options.cs, signatureKeyPair.signKey, enrollmentProofInput(options.code));
  const http = createHttpClient(options.ca === undefined ? {} : { ca: options.ca });
  const path = clientApiPath("enroll");
  let answer: Awaited<ReturnType<typeof http.request>>;
  try {
    answer = await http.request(
      "POST",
      new URL(path, options.url),
      utf8(
        JSON.stringify({
          code: options.code,
          device: options.device,
          publicKey: toBase64(signatureKeyPair.publicKey),
          proof: toBase64(proof),
        }),
      ),
      { "content-type": "application/json" },
    );
  } finally {
    http.destroy();
  }
  if (answer.status !== 201) {
    let reason = "";
    try {
      const j = JSON.parse(new TextDecoder().decode(answer.body)) as { what?: string; rule?: string };
      reason = `${j.what ?? ""}${j.rule === undefined ? "" : ` [${j.rule}]`}`;
    } catch {
      reason = new TextDecoder().decode(answer.body.subarray(0, 200));
    }
    throw new ProtocolError(`enrollment answered ${answer.status} ${reason}`, {
      path,
      code: String(answer.status),
    });
  }
  const r = parseEnrollResponse(answer.body);
  const anchors: TrustAnchor[] = [];
  r.trustAnchors.forEach((pem, i) => {
    try {
      anchors.push(trustAnchor(pem, r.trustAnchorDomains[i] ?? undefined));
    } catch (e) {
      // a CA that names no provider domain and is bound to none cannot anchor MIMI credentials
      if (!(e instanceof ValidationError)) throw e;
    }
  });
  const trust = createTrustStore(anchors);
  const checked = await validateClientChain([r.certificate], { trust, expectUri: r.clientUri });
  if (!spkiMatchesSignatureKey(checked.leafPublicKey, signatureKeyPair.publicKey))
    throw new ValidationError("the enrolled certificate does not bind our key", { path: "/certificate" });
  return {
    userUri: checked.identity.userUri,
    clientUri: checked.identity.clientUri,
    signatureKeyPair,
    credential: { credentialType: "x509", certificates: [r.certificate] },
    trustAnchors: r.trustAnchors,
    trust,
  };
}
