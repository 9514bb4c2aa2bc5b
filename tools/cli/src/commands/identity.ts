/**
 * `mimi pki` (a development PKI) and `mimi cert verify` (certificate chains under the MIMI
 * X.509 profile), from `@mimi/identity`.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CertificateFailureReason, KeyAlgorithmName } from "@mimi/identity";
import { CodecError, type MimiError } from "@mimi/wire";
import { type Command, EXIT, type Io, parseOptions, printJson, UsageError } from "../command.js";

const pkiUsage = `usage: mimi pki init DOMAIN --out DIR [--algorithm P-256|P-384|Ed25519]
       mimi pki issue-client --ca DIR --user URI --client URI --out DIR [--algorithm ALG]
       mimi pki revoke --ca DIR --out FILE [SERIAL...]

A development PKI (docs/identity.md). \`init\` writes the provider CA for DOMAIN (ca.pem, ca.key)
and the provider's mutual-TLS certificate (server.pem, server.key) to DIR. \`issue-client\` issues a
client certificate naming the client and user URIs under the CA in DIR, with a new key
(client.pem, client.key in DIR). \`revoke\` writes a CRL of the CA listing the hex serial numbers.
Prints JSON describing what was written. Keys are PKCS #8 PEM, written with mode 0600.`;

const certUsage = `usage: mimi cert verify --anchor [DOMAIN=]CA.pem [--anchor [DOMAIN=]CA.pem]...
                        [--intermediate X.pem]... [--crl CRL.pem]... [--expect-uri URI]
                        [--at ISO-8601-TIME] LEAF.pem

Validates LEAF.pem (a client certificate, or a provider certificate when it names a dNSName)
through the intermediates to an anchor of the provider domain it names (docs/identity.md), at
--at (default now), against the CRLs given. --anchor DOMAIN=CA.pem binds the CA to the provider
DOMAIN explicitly (any CA, e.g. one made with openssl or an existing PKI); a plain --anchor
CA.pem reads the domain from the CA's single mimi://<domain> subjectAltName URI, as the
development PKI writes it (decision 0401). Prints {"valid", "reason"?, "identifiers"}: the MIMI
URIs the chain proves. Exits 0 when the chain is valid and proves --expect-uri (if given), 1
otherwise (the failure is also printed on stderr).`;

function requireString(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  if (typeof v !== "string" || v.length === 0) throw new UsageError(`--${key} is required`);
  return v;
}

/**
 * An `--anchor` value: `DOMAIN=FILE` binds the CA in FILE to DOMAIN (decision 0401); anything
 * else is a file name. A value with `=` whose left side is not a domain name is a usage error
 * (a file name containing `=` is given as `./NAME`).
 */
async function anchorOption(value: string): Promise<{ readonly domain?: string; readonly file: string }> {
  const eq = value.indexOf("=");
  if (eq === -1 || value.startsWith(".") || value.startsWith("/")) return { file: value };
  const { parseMimiUri } = await import("@mimi/identifiers");
  const file = value.slice(eq + 1);
  let domain: string;
  try {
    const p = parseMimiUri(`mimi://${value.slice(0, eq)}`);
    if (p.kind !== "provider") throw new Error("not a domain");
    domain = p.domain;
  } catch {
    throw new UsageError(
      `--anchor ${value}: ${JSON.stringify(value.slice(0, eq))} is not a provider domain (DOMAIN=FILE)`,
    );
  }
  if (file === "") throw new UsageError(`--anchor ${value}: no file after DOMAIN=`);
  return { domain, file };
}

function algorithmOption(values: Record<string, unknown>): KeyAlgorithmName | undefined {
  const v = values["algorithm"];
  if (v === undefined) return undefined;
  if (v !== "P-256" && v !== "P-384" && v !== "Ed25519")
    throw new UsageError(`unknown --algorithm ${String(v)}`);
  return v;
}

function writeKey(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function readCa(dir: string): { certificatePem: string; privateKeyPem: string } {
  return {
    certificatePem: readFileSync(join(dir, "ca.pem"), "utf8"),
    privateKeyPem: readFileSync(join(dir, "ca.key"), "utf8"),
  };
}

/** `mimi pki`. */
export const pkiCommand: Command = {
  name: "pki",
  summary: "development PKI: provider CA, mutual-TLS and client certificates, CRLs",
  usage: pkiUsage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      out: { type: "string" },
      ca: { type: "string" },
      user: { type: "string" },
      client: { type: "string" },
      algorithm: { type: "string" },
    });
    const id = await import("@mimi/identity");
    const [sub, ...rest] = positionals;
    const algorithm = algorithmOption(values);
    if (sub === "init") {
      if (rest.length !== 1) throw new UsageError("expected: pki init DOMAIN --out DIR");
      const out = requireString(values, "out");
      const pki = await id.createProviderPki(rest[0]!, algorithm === undefined ? {} : { algorithm });
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "ca.pem"), pki.ca.certificatePem);
      writeKey(join(out, "ca.key"), pki.ca.privateKeyPem);
      writeFileSync(join(out, "server.pem"), pki.server.certificatePem);
      writeKey(join(out, "server.key"), pki.server.privateKeyPem);
      printJson(io, {
        domain: pki.domain,
        providerUri: `mimi://${pki.domain}`,
        files: ["ca.pem", "ca.key", "server.pem", "server.key"].map((f) => join(out, f)),
      });
      return EXIT.ok;
    }
    if (sub === "issue-client") {
      if (rest.length !== 0) throw new UsageError(`unexpected argument ${rest[0]}`);
      const ca = readCa(requireString(values, "ca"));
      const out = requireString(values, "out");
      const issued = await id.issueClientCertificate(ca, {
        userUri: requireString(values, "user"),
        clientUri: requireString(values, "client"),
        ...(algorithm === undefined ? {} : { algorithm }),
      });
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "client.pem"), issued.certificatePem);
      writeKey(join(out, "client.key"), issued.privateKeyPem!);
      printJson(io, {
        serialNumber: issued.serialNumber,
        files: [join(out, "client.pem"), join(out, "client.key")],
      });
      return EXIT.ok;
    }
    if (sub === "revoke") {
      const ca = readCa(requireString(values, "ca"));
      const out = requireString(values, "out");
      for (const s of rest)
        if (!/^[0-9a-fA-F]+$/.test(s)) throw new UsageError(`not a hex serial number: ${s}`);
      writeFileSync(out, await id.issueCrl(ca, { revoked: rest.map((s) => s.toLowerCase()) }));
      printJson(io, { revoked: rest.map((s) => s.toLowerCase()), file: out });
      return EXIT.ok;
    }
    throw new UsageError("expected: pki init | pki issue-client | pki revoke");
  },
};

interface VerifyOutput {
  readonly valid: boolean;
  readonly reason?: CertificateFailureReason;
  readonly identifiers: readonly string[];
}

/** `mimi cert`. */
export const certCommand: Command = {
  name: "cert",
  summary: "verify a certificate chain under the MIMI X.509 profile",
  usage: certUsage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      anchor: { type: "string", multiple: true },
      intermediate: { type: "string", multiple: true },
      crl: { type: "string", multiple: true },
      "expect-uri": { type: "string" },
      at: { type: "string" },
    });
    if (positionals[0] !== "verify" || positionals.length !== 2) {
      throw new UsageError("expected: cert verify --anchor CA.pem LEAF.pem");
    }
    const anchors = (values["anchor"] as string[] | undefined) ?? [];
    if (anchors.length === 0) throw new UsageError("--anchor is required");
    const bound = await Promise.all(anchors.map(anchorOption));
    const atText = values["at"] as string | undefined;
    const at = atText === undefined ? new Date() : new Date(atText);
    if (atText !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(atText) || Number.isNaN(at.getTime()))) {
      throw new UsageError(`--at is not an ISO 8601 date-time: ${atText}`);
    }
    const expectUri = values["expect-uri"] as string | undefined;
    const id = await import("@mimi/identity");
    const { parseMimiUri } = await import("@mimi/identifiers");
    if (expectUri !== undefined) parseMimiUri(expectUri);
    const readPem = (file: string, label: "CERTIFICATE" | "X509 CRL"): Uint8Array[] =>
      id.decodePemAll(readFileSync(file, "utf8"), label, file);
    let output: VerifyOutput;
    let failure: MimiError | undefined;
    try {
      const trust = id.createTrustStore(
        bound.map(({ domain, file }) => id.trustAnchor(readFileSync(file, "utf8"), domain)),
      );
      const leafAndMore = readPem(positionals[1]!, "CERTIFICATE");
      const chain = [
        ...leafAndMore,
        ...((values["intermediate"] as string[] | undefined) ?? []).flatMap((f) => readPem(f, "CERTIFICATE")),
      ];
      const crls = ((values["crl"] as string[] | undefined) ?? []).flatMap((f) => readPem(f, "X509 CRL"));
      const options = { trust, at, crls, ...(expectUri === undefined ? {} : { expectUri }) };
      const leaf = id.decodeCertificate(chain[0]!, "/chain/0").facts;
      if (leaf.sanDnsNames.length > 0) {
        const v = await id.validateServerChain(chain, options);
        output = { valid: true, identifiers: [v.identity.providerUri] };
      } else {
        const v = await id.validateClientChain(chain, options);
        output = { valid: true, identifiers: [v.identity.clientUri, v.identity.userUri] };
      }
    } catch (e) {
      if (e instanceof id.CertificateValidationError) {
        failure = e;
        output = { valid: false, reason: e.reason, identifiers: [] };
      } else if (e instanceof CodecError) {
        failure = e;
        output = { valid: false, reason: "malformed", identifiers: [] };
      } else {
        throw e;
      }
    }
    printJson(io, output);
    if (failure !== undefined) io.stderr(`error: ${failure.describe()}\n`);
    return output.valid ? EXIT.ok : EXIT.failed;
  },
};
