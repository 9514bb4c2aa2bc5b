/**
 * Enrollment (decision 0811, `docs/client-api.md`): `POST /client/v1/enroll` with a one-time code
 * from the provider's operator gives a client that holds no certificate yet (a web page) its
 * client certificate for an MLS signature key it generated and proves to hold. The JSON bodies
 * and their strict readers, for the provider and the client SDK alike.
 */
import { fromBase64, fromUtf8, ValidationError } from "@mimi/wire";

/** The request: the code, the device name, the MLS signature public key and the proof of possession. */
export interface EnrollRequest {
  /** The one-time enrollment code. */
  readonly code: string;
  /** The device segment of the client URI (`mimi://<domain>/d/<user>/<device>`). */
  readonly device: string;
  /** The MLS signature public key (raw Ed25519, or an uncompressed EC point). */
  readonly publicKey: Uint8Array;
  /** The key's signature over `enrollmentProofInput(code)` (Ed25519 64 bytes, ECDSA r‖s). */
  readonly proof: Uint8Array;
}

/** The answer (201). */
export interface EnrollResponse {
  /** The enrolled client's user URI. */
  readonly userUri: string;
  /** The enrolled client's URI. */
  readonly clientUri: string;
  /** The client certificate (DER) binding `publicKey` to `clientUri` and `userUri`. */
  readonly certificate: Uint8Array;
  /** PEM CA certificates the provider trusts for clients' credentials: its client CA(s) and its peers' CAs. */
  readonly trustAnchors: readonly string[];
  /**
   * The provider domain each of `trustAnchors` is bound to (same order), or null when the CA names
   * its domain itself (a `mimi://<domain>` subjectAltName, decision 0401).
   */
  readonly trustAnchorDomains: readonly (string | null)[];
}

function jsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(fromUtf8(bytes, "/"));
  } catch (e) {
    throw new ValidationError(`the ${what} is not JSON`, { path: "/", rule: "PROTO-CAPI-23", cause: e });
  }
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new ValidationError(`the ${what} must be a JSON object`, { path: "/", rule: "PROTO-CAPI-23" });
  return v as Record<string, unknown>;
}

function text(o: Record<string, unknown>, k: string, max: number): string {
  const v = o[k];
  if (typeof v !== "string" || v === "" || v.length > max)
    throw new ValidationError(`${k} must be a non-empty string of at most ${max} characters`, {
      path: `/${k}`,
      rule: "PROTO-CAPI-23",
    });
  return v;
}

function base64Field(o: Record<string, unknown>, k: string): Uint8Array {
  const v = text(o, k, 4096);
  try {
    return fromBase64(v, `/${k}`);
  } catch (e) {
    throw new ValidationError(`${k} must be standard base64`, {
      path: `/${k}`,
      rule: "PROTO-CAPI-23",
      cause: e,
    });
  }
}

/**
 * Read an enrollment request body.
 *
 * @throws ValidationError (`PROTO-CAPI-23`) for a body that is not such a JSON object.
 */
export function parseEnrollRequest(body: Uint8Array): EnrollRequest {
  const o = jsonObject(body, "enrollment request");
  // [PROTO-CAPI-23] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0811): an enrollment request is a JSON object with
  // exactly code, device, publicKey and proof; anything else is refused with 400.
  for (const k of Object.keys(o))
    if (!["code", "device", "publicKey", "proof"].includes(k))
      throw new ValidationError(`unknown field ${k}`, { path: `/${k}`, rule: "PROTO-CAPI-23" });
  return {
    code: text(o, "code", 256),
    device: text(o, "device", 64),
    publicKey: base64Field(o, "publicKey"),
    proof: base64Field(o, "proof"),
  };
}

/**
 * Read an enrollment answer.
 *
 * @throws ValidationError for a body that is not such a JSON object.
 */
export function parseEnrollResponse(body: Uint8Array): EnrollResponse {
  const o = jsonObject(body, "enrollment answer");
  const anchors = o["trustAnchors"];
  const domains = o["trustAnchorDomains"];
  if (!Array.isArray(anchors) || !anchors.every((a) => typeof a === "string"))
    throw new ValidationError("trustAnchors must be a list of PEM strings", { path: "/trustAnchors" });
  if (
    !Array.isArray(domains) ||
    domains.length !== anchors.length ||
    !domains.every((d) => d === null || typeof d === "string")
  )
    throw new ValidationError("trustAnchorDomains must name a domain or null per trust anchor", {
      path: "/trustAnchorDomains",
    });
  return {
    userUri: text(o, "userUri", 2048),
    clientUri: text(o, "clientUri", 2048),
    certificate: base64Field(o, "certificate"),
    trustAnchors: anchors as string[],
    trustAnchorDomains: domains as (string | null)[],
  };
}
