/**
 * Generator of `spec-vectors/identity/x509-chains.json` from the development PKI:
 * `pnpm exec tsx --conditions=@mimi/source packages/identity/vectors/generate.ts > spec-vectors/identity/x509-chains.json`.
 *
 * Keys, serial numbers and ECDSA signatures are random, so a new run gives other bytes with the
 * same verdicts; the committed file is the fixture and `generate.test.ts` checks fresh output too.
 */
import { toHex } from "@mimi/wire";
import { createProviderPki, issueClientCertificate, issueCrl } from "../src/dev-pki.js";
import { decodePem } from "../src/pem.js";

const DAY = 86_400_000;

/** One generated case (fields as in the vector file). */
interface X509ChainCase {
  readonly tcId: number;
  readonly comment: string;
  readonly result: "valid" | "invalid";
  readonly flags: readonly string[];
  readonly reqs: readonly string[];
  readonly purpose: "client" | "server";
  readonly anchors: readonly string[];
  readonly chain: readonly string[];
  readonly crls: readonly string[];
  readonly at: string;
  readonly expectUri?: string;
  readonly reason?: string;
  readonly identifiers?: readonly string[];
}

const hex = (pem: string, label: "CERTIFICATE" | "X509 CRL" = "CERTIFICATE"): string =>
  toHex(decodePem(pem, label));

/** Build the vector file's JSON value, issuing at `now` (provider CAs of `algorithms`). */
export async function generateX509ChainVectors(
  now: Date,
  algorithms: readonly ("P-256" | "P-384" | "Ed25519")[] = ["P-256", "P-384", "Ed25519"],
): Promise<Record<string, unknown>> {
  const at = new Date(now.getTime() + 3_600_000).toISOString();
  const cases: Omit<X509ChainCase, "tcId">[] = [];
  const alice = { userUri: "mimi://a.example/u/alice", clientUri: "mimi://a.example/d/alice/phone" };
  const aliceIds = [alice.clientUri, alice.userUri];
  for (const algorithm of algorithms) {
    const pki = await createProviderPki("a.example", { algorithm, now });
    const issued = await issueClientCertificate(pki.ca, { ...alice, now });
    cases.push({
      comment: `${algorithm} provider CA and client certificate`,
      result: "valid",
      flags: [],
      reqs: ["IDENTITY-PATH-01", "IDENTITY-CERT-01"],
      purpose: "client",
      anchors: [hex(pki.ca.certificatePem)],
      chain: [hex(issued.certificatePem)],
      crls: [],
      at,
      identifiers: aliceIds,
    });
  }
  const a = await createProviderPki("a.example", { algorithm: "Ed25519", now });
  const b = await createProviderPki("b.example", { algorithm: "Ed25519", now });
  const leaf = await issueClientCertificate(a.ca, { ...alice, now });
  const base = {
    purpose: "client" as const,
    anchors: [hex(a.ca.certificatePem)],
    chain: [hex(leaf.certificatePem)],
    crls: [],
    at,
  };
  cases.push({
    ...base,
    comment: "provider certificate for mutual TLS",
    result: "valid",
    flags: [],
    reqs: ["IDENTITY-SERVER-01"],
    purpose: "server",
    chain: [hex(a.server.certificatePem)],
    expectUri: "mimi://a.example",
    identifiers: ["mimi://a.example"],
  });
  cases.push({
    ...base,
    comment: "client chain checked against another provider's anchor",
    result: "invalid",
    flags: ["WrongAnchor"],
    reqs: ["IDENTITY-PATH-10"],
    anchors: [hex(b.ca.certificatePem)],
    reason: "untrusted",
  });
  cases.push({
    ...base,
    comment: "validation time after the client certificate's notAfter",
    result: "invalid",
    flags: ["Expired"],
    reqs: ["IDENTITY-PATH-02"],
    at: new Date(now.getTime() + 100 * DAY).toISOString(),
    reason: "expired",
  });
  cases.push({
    ...base,
    comment: "validation time before notBefore",
    result: "invalid",
    flags: ["NotYetValid"],
    reqs: ["IDENTITY-PATH-02"],
    at: new Date(now.getTime() - DAY).toISOString(),
    reason: "not-yet-valid",
  });
  cases.push({
    ...base,
    comment: "client certificate listed on the provider CA's CRL",
    result: "invalid",
    flags: ["Revoked"],
    reqs: ["IDENTITY-PATH-07"],
    crls: [hex(await issueCrl(a.ca, { revoked: [leaf.serialNumber], now }), "X509 CRL")],
    reason: "revoked",
  });
  cases.push({
    ...base,
    comment: "CRL past its nextUpdate at the validation time",
    result: "invalid",
    flags: ["StaleCrl"],
    reqs: ["IDENTITY-CRL-01"],
    crls: [hex(await issueCrl(a.ca, { revoked: [], now, lifetimeMs: DAY }), "X509 CRL")],
    at: new Date(now.getTime() + 2 * DAY).toISOString(),
    reason: "bad-crl",
  });
  cases.push({
    ...base,
    comment: "valid chain that does not prove the expected user",
    result: "invalid",
    flags: ["IdentifierMismatch"],
    reqs: ["IDENTITY-MATCH-01"],
    expectUri: "mimi://a.example/u/bob",
    reason: "identifier-mismatch",
  });
  cases.push({
    ...base,
    comment: "valid chain proving the expected client",
    result: "valid",
    flags: [],
    reqs: ["IDENTITY-MATCH-01"],
    expectUri: alice.clientUri,
    identifiers: aliceIds,
  });
  const tampered = decodePem(leaf.certificatePem, "CERTIFICATE");
  tampered[tampered.length - 1]! ^= 0x01;
  cases.push({
    ...base,
    comment: "last byte of the Ed25519 signature flipped",
    result: "invalid",
    flags: ["BadSignature"],
    reqs: ["IDENTITY-PATH-01"],
    chain: [toHex(tampered)],
    reason: "bad-signature",
  });
  const long = await issueClientCertificate(a.ca, { ...alice, now, lifetimeMs: 120 * DAY });
  cases.push({
    ...base,
    comment: "client certificate valid for 120 days",
    result: "invalid",
    flags: ["LifetimeExceeded"],
    reqs: ["IDENTITY-CERT-03"],
    chain: [hex(long.certificatePem)],
    reason: "lifetime-exceeded",
  });
  cases.push({
    ...base,
    comment: "a trailing byte after the certificate",
    result: "invalid",
    flags: ["Malformed"],
    reqs: [],
    chain: [`${base.chain[0]}00`],
    reason: "malformed",
  });
  const tests = cases.map((c, i) => ({ tcId: i + 1, ...c }));
  return {
    $schema: "../schema/mimi-x509-validate-chain.schema.json",
    algorithm: "mimi-x509/validate-chain",
    source: "draft-mahy-mimi-identity-05 §6.1 (profile: docs/identity.md), RFC 5280 §6",
    generator: "pnpm exec tsx --conditions=@mimi/source packages/identity/vectors/generate.ts (random keys)",
    numberOfTests: tests.length,
    header: [
      "Each case validates `chain` (hex DER, end entity first) against `anchors` (hex DER; each anchor's domain is its mimi://<domain> subjectAltName) at `at`, with `crls`, as a `purpose` (client or server) chain, expecting `expectUri` when present.",
      "valid: the chain validates and proves `identifiers`; invalid: validation fails with `reason` (malformed: the DER does not decode).",
    ],
    notes: {
      WrongAnchor: "the anchor belongs to another provider",
      Expired: "the validation time is after notAfter",
      NotYetValid: "the validation time is before notBefore",
      Revoked: "the end-entity certificate is on its issuer's CRL",
      StaleCrl: "a supplied CRL is past its nextUpdate",
      IdentifierMismatch: "the chain proves identifiers other than the expected one",
      BadSignature: "a certificate signature does not verify",
      LifetimeExceeded: "the validity period exceeds the profile's limit",
      Malformed: "the certificate DER does not decode",
    },
    testGroups: [{ type: "X509ChainValidation", tests }],
  };
}

/** Where the generated file goes, relative to the spec-vectors folder. */
export const GENERATED_X509_VECTORS_FILE = "generated/identity/x509-chains.json";

/** The fixed issuing time of the generated file. */
const GENERATED_AT = new Date("2026-01-01T00:00:00Z");

/**
 * The identity package's generated vector files, for `mimi vectors generate`: the same cases with
 * Ed25519 keys only, every key, serial number and signature from a seeded random stream (Ed25519
 * signing is deterministic; ECDSA's is not, so P-256/P-384 stay in the hand-made
 * `identity/x509-chains.json`), issued at a fixed time.
 */
export async function generateVectors(): Promise<
  readonly { readonly path: string; readonly content: string }[]
> {
  const { withSeededRandom } = await import("@mimi/testkit/seeded");
  const file = await withSeededRandom("mimi identity x509 v1", () =>
    generateX509ChainVectors(GENERATED_AT, ["Ed25519"]),
  );
  const { $schema: _, ...rest } = file;
  return [
    {
      path: GENERATED_X509_VECTORS_FILE.slice("generated/".length),
      content: `${JSON.stringify(
        {
          $schema: "../../schema/mimi-x509-validate-chain.schema.json",
          ...rest,
          generator:
            "pnpm mimi vectors generate (packages/identity/vectors/generate.ts: Ed25519 keys and serial numbers on a seeded random stream, issued at 2026-01-01T00:00:00Z)",
        },
        null,
        2,
      )}\n`,
    },
  ];
}

// Run directly (in Node) it prints a file with random keys; imported, it only exports.
const script = (globalThis as { process?: { argv?: readonly string[] } }).process?.argv?.[1];
const isMain = script !== undefined && import.meta.url.endsWith(script.replace(/\\/g, "/"));
if (isMain) {
  generateX509ChainVectors(new Date()).then((v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`));
}
