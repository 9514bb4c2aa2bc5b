/**
 * A throw-away provider PKI made with the `openssl` command: a CA and, per domain, a key and a
 * certificate with DNS SAN = the domain and both serverAuth and clientAuth (what a MIMI provider
 * presents as server and as client, protocol-06 §4.1).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM material of one provider. */
export interface ProviderCert {
  readonly key: string;
  readonly cert: string;
}

/** A CA and the providers it certified. */
export interface TestPki {
  readonly caCert: string;
  readonly providers: Readonly<Record<string, ProviderCert>>;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** Make a CA named `caName` certifying `domains`. */
export function makePki(caName: string, domains: readonly string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "mimi-pki-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(dir, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      `/CN=${caName}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    const providers: Record<string, ProviderCert> = {};
    for (const d of domains) {
      writeFileSync(
        join(dir, `${d}.ext`),
        `subjectAltName=DNS:${d}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n`,
      );
      openssl(dir, ["req", ...ec, "-keyout", `${d}.key`, "-out", `${d}.csr`, "-subj", `/CN=${d}`]);
      openssl(dir, [
        "x509",
        "-req",
        "-in",
        `${d}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${d}.pem`,
        "-days",
        "2",
        "-extfile",
        `${d}.ext`,
      ]);
      providers[d] = {
        key: readFileSync(join(dir, `${d}.key`), "utf8"),
        cert: readFileSync(join(dir, `${d}.pem`), "utf8"),
      };
    }
    return { caCert: readFileSync(join(dir, "ca.pem"), "utf8"), providers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
