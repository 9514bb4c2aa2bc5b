/**
 * Vector suite for X.509 chain validation under the MIMI profile:
 * `spec-vectors/identity/x509-chains.json`, made by `generate.ts` with the development PKI, and
 * `spec-vectors/generated/identity/x509-chains.json`, its deterministic Ed25519 counterpart written
 * by `mimi vectors generate`.
 */
import { allCases, loadVectorFile, runCases, type VectorCase, type VectorSuite } from "@mimi/spec-vectors";
import { CodecError, fromHex } from "@mimi/wire";
import { CertificateValidationError } from "../src/errors.js";
import { createTrustStore, trustAnchor } from "../src/trust-store.js";
import { validateClientChain, validateServerChain } from "../src/validate-chain.js";
import { GENERATED_X509_VECTORS_FILE } from "./generate.js";

export { generateVectors } from "./generate.js";

const hexList = (v: unknown): Uint8Array[] => (Array.isArray(v) ? v.map((h) => fromHex(String(h))) : []);

/** Run one case of `identity/x509-chains.json`; throws when the outcome differs from the case. */
export async function checkX509ChainCase(t: VectorCase): Promise<void> {
  if (t.result !== "valid" && t.result !== "invalid") throw new Error(`unknown result ${String(t.result)}`);
  const trust = createTrustStore(hexList(t["anchors"]).map((der) => trustAnchor(der)));
  const options = {
    trust,
    at: new Date(String(t["at"])),
    crls: hexList(t["crls"]),
    ...(typeof t["expectUri"] === "string" ? { expectUri: t["expectUri"] } : {}),
  };
  const chain = hexList(t["chain"]);
  let identifiers: string[];
  try {
    if (t["purpose"] === "server") {
      identifiers = [(await validateServerChain(chain, options)).identity.providerUri];
    } else {
      const v = await validateClientChain(chain, options);
      identifiers = [v.identity.clientUri, v.identity.userUri];
    }
  } catch (e) {
    if (t.result !== "invalid") throw e;
    const reason =
      e instanceof CertificateValidationError ? e.reason : e instanceof CodecError ? "malformed" : undefined;
    if (reason === undefined) throw e;
    if (reason !== t["reason"]) throw new Error(`rejected as ${reason}, expected ${String(t["reason"])}`);
    return;
  }
  if (t.result === "invalid") throw new Error(`accepted an invalid chain (expected ${String(t["reason"])})`);
  if (JSON.stringify(identifiers) !== JSON.stringify(t["identifiers"])) {
    throw new Error(`proved ${JSON.stringify(identifiers)}, expected ${JSON.stringify(t["identifiers"])}`);
  }
}

export const vectorSuites: readonly VectorSuite[] = [
  {
    name: "identity/x509-chains",
    source: "draft-mahy-mimi-identity-05 §6.1, RFC 5280 §6 (spec-vectors/identity/x509-chains.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile("identity/x509-chains.json")),
        ({ test }) => String(test.tcId),
        ({ test }) => checkX509ChainCase(test),
      ),
  },
  {
    name: "identity/x509-chains-generated",
    source: `draft-mahy-mimi-identity-05 §6.1, RFC 5280 §6 (spec-vectors/${GENERATED_X509_VECTORS_FILE})`,
    run: () =>
      runCases(
        allCases(loadVectorFile(GENERATED_X509_VECTORS_FILE)),
        ({ test }) => String(test.tcId),
        ({ test }) => checkX509ChainCase(test),
      ),
  },
];
