/**
 * The one module of the web app that touches enrollment, request authentication and persistence;
 * the screens only see a {@link Session}. Everything else is the real `@mimi/client`.
 *
 * Enrollment: `POST /client/v1/enroll` on the page's own origin (the provider's browser listener)
 * with the one-time code from the URL and the public half of a signature key pair generated here;
 * the answer is the client's X.509 credential for that key (the private key never leaves the
 * page) and the trust anchors of the federation. Requests are authenticated by the listener
 * (see `docs/web.md`: until RFC 9421 request signatures land, by an HttpOnly session cookie the
 * listener set at enrollment).
 */
import { ClientCore, MimiClient, type ProvisionedClient } from "@mimi/client";
import { createTrustStore, decodePem, trustAnchor } from "@mimi/identity";
import { generateSignatureKeyPair, loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { toHex, ValidationError } from "@mimi/wire";

/** A signed-in client of the page's user. */
export interface Session {
  readonly client: MimiClient;
  readonly userUri: string;
  readonly clientUri: string;
  /** The provider's domain (the page's). */
  readonly domain: string;
}

/** What the enrollment endpoint answers. */
interface Enrollment {
  readonly userUri: string;
  readonly clientUri: string;
  readonly credentialPem: string;
  readonly trustAnchors: readonly string[];
}

function isEnrollment(v: unknown): v is Enrollment {
  const o = v as Partial<Record<keyof Enrollment, unknown>> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.userUri === "string" &&
    typeof o.clientUri === "string" &&
    typeof o.credentialPem === "string" &&
    Array.isArray(o.trustAnchors) &&
    o.trustAnchors.every((a) => typeof a === "string")
  );
}

/** A device name for this page: letters and digits only (a client URI segment). */
function deviceName(): string {
  return `web${toHex(crypto.getRandomValues(new Uint8Array(4)))}`;
}

/**
 * Enroll a new client of the user the one-time `code` names, at the page's provider.
 *
 * @throws ValidationError when the provider refuses the code (with its reason) or answers
 * something that is not an enrollment.
 */
async function enroll(
  origin: string,
  code: string,
  cs: MlsCiphersuite,
): Promise<ProvisionedClient & { trust: readonly string[] }> {
  const signatureKeyPair = await generateSignatureKeyPair(cs);
  const res = await fetch(new URL("/client/v1/enroll", origin), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code, device: deviceName(), publicKey: toHex(signatureKeyPair.publicKey) }),
  });
  const text = await res.text();
  if (res.status !== 200) {
    let what = text.slice(0, 200);
    try {
      what = (JSON.parse(text) as { what?: string }).what ?? what;
    } catch {
      // not JSON: the text itself
    }
    throw new ValidationError(`enrollment refused (${res.status}): ${what}`, { path: "/enroll" });
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!isEnrollment(answer)) throw new ValidationError("enrollment answer is malformed", { path: "/enroll" });
  return {
    userUri: answer.userUri,
    clientUri: answer.clientUri,
    signatureKeyPair,
    credential: { credentialType: "x509", certificates: [decodePem(answer.credentialPem, "CERTIFICATE")] },
    // the browser listener authenticates this page's requests: no TLS client certificate here
    tls: { certificatePem: "", privateKeyPem: "" },
    trust: answer.trustAnchors,
  };
}

/** The enrollment code of the page's URL (`#code=…`), if any. */
export function codeFromLocation(hash: string): string | undefined {
  const code = new URLSearchParams(hash.replace(/^#/, "")).get("code");
  return code === null || code === "" ? undefined : code;
}

/**
 * Sign in with an enrollment code: enroll, build the client, upload KeyPackages so that others
 * can add this user, and open the inbox.
 */
export async function signIn(origin: string, code: string): Promise<Session> {
  const cs = await loadCiphersuite();
  const identity = await enroll(origin, code, cs);
  const core = new ClientCore({
    identity,
    trust: createTrustStore(identity.trust.map((pem) => trustAnchor(pem))),
    cs,
  });
  const domain = new URL(identity.userUri.replace(/^mimi:/, "https:")).hostname;
  const client = new MimiClient({ core, url: origin, domain, ca: "" });
  await client.uploadKeyPackages(4);
  client.startInbox();
  return { client, userUri: identity.userUri, clientUri: identity.clientUri, domain };
}
