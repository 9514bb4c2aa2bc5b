/**
 * `POST /client/v1/enroll` (no authentication; decision 0811): a one-time code, a device name, an
 * MLS signature public key and a signature with it over the code give a client certificate
 * binding that key to `mimi://<domain>/d/<user>/<device>`, and the CAs the provider trusts for
 * clients' credentials.
 */
import { decodePem, issueClientCertificate, spkiFromMlsSignatureKey } from "@mimi/identity";
import {
  type EnrollResponse,
  enrollmentProofInput,
  parseEnrollRequest,
  signatureAlgorithmOfSpki,
  verifyWithSpki,
} from "@mimi/protocol";
import { MimiError, toBase64 } from "@mimi/wire";
import { HttpRejection } from "../../server/http-error.js";
import { lookUpEnrollmentCode, useEnrollmentCode } from "../enrollment.js";
import { type ClientRouteHandler, jsonAnswer } from "../route.js";

const DEVICE = /^[A-Za-z0-9._~-]{1,64}$/;

export const enroll: ClientRouteHandler = async ({ body, ctx }) => {
  const enrollment = ctx.enrollment;
  if (enrollment === undefined) throw new HttpRejection(404, `${ctx.domain} does not enroll clients`);
  // [PROTO-CAPI-23] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0811): a malformed enrollment request is refused
  // with 400 (the JSON fields, the key, the device name).
  const request = parseEnrollRequest(body);
  if (!DEVICE.test(request.device) || request.device === "." || request.device === "..")
    throw new HttpRejection(400, "device must be 1 to 64 letters, digits or . _ ~ -", {
      path: "/device",
      rule: "PROTO-CAPI-23",
    });
  let spki: Uint8Array;
  try {
    spki = spkiFromMlsSignatureKey(request.publicKey);
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
    throw new HttpRejection(400, `publicKey: ${e.what}`, { path: "/publicKey", rule: "PROTO-CAPI-23" });
  }
  const alg = signatureAlgorithmOfSpki(spki);
  if (alg === undefined)
    throw new HttpRejection(400, "publicKey is not an Ed25519, P-256 or P-384 key", {
      path: "/publicKey",
      rule: "PROTO-CAPI-23",
    });
  // [PROTO-CAPI-22] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0811): the enrolling client proves it holds the
  // private key: `proof` is its signature over the label and the code; otherwise 401.
  if (!(await verifyWithSpki(spki, alg, enrollmentProofInput(request.code), request.proof)))
    throw new HttpRejection(401, "the proof does not verify under publicKey", {
      path: "/proof",
      rule: "PROTO-CAPI-22",
    });
  // [PROTO-CAPI-21] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0811): an enrollment code is used once, before it
  // expires; an unknown, used or expired code is refused with 403.
  const now = ctx.now();
  const found = await lookUpEnrollmentCode(ctx.db, request.code, now);
  if (!found.ok) throw new HttpRejection(403, found.reason, { path: "/code", rule: "PROTO-CAPI-21" });
  const userUri = found.user;
  const clientUri = `${userUri.replace("/u/", "/d/")}/${request.device}`;
  if (!(await useEnrollmentCode(ctx.db, request.code, clientUri, now)))
    throw new HttpRejection(403, "the enrollment code was used", { path: "/code", rule: "PROTO-CAPI-21" });
  const issued = await issueClientCertificate(enrollment.issuer, {
    userUri,
    clientUri,
    publicKey: spki,
    now: new Date(now),
  });
  ctx.log({ level: "info", msg: "client enrolled", client: clientUri });
  const answer: Omit<EnrollResponse, "certificate"> & { certificate: string } = {
    userUri,
    clientUri,
    certificate: toBase64(decodePem(issued.certificatePem, "CERTIFICATE")),
    trustAnchors: enrollment.trustAnchors.map((a) => a.pem),
    trustAnchorDomains: enrollment.trustAnchors.map((a) => a.domain),
  };
  return jsonAnswer(201, answer);
};
