/**
 * Certificate chains made with the `openssl` command (OpenSSL 3), an implementation independent
 * of ours, in a temporary directory at test time.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Fail clearly (never skip) when the openssl command is missing. */
export function requireOpenssl(): string {
  try {
    return execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();
  } catch (e) {
    throw new Error(
      "these tests need the `openssl` command (OpenSSL 3) on PATH to generate certificate chains " +
        `independently of our code; install it (e.g. apt-get install openssl): ${(e as Error).message}`,
    );
  }
}

/** Key algorithms openssl generates here. */
export type OpensslAlgorithm = "P-256" | "P-384" | "Ed25519";

/** A certificate openssl made, with its key, as files in the work directory and as DER. */
export interface OpensslCert {
  readonly name: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly pem: string;
  readonly der: Uint8Array;
  readonly serial: string;
  readonly algorithm: OpensslAlgorithm;
}

/** Options of one certificate. */
export interface OpensslCertOptions {
  readonly algorithm: OpensslAlgorithm;
  readonly subject: string;
  /** Lines of the X.509 v3 extension section (openssl `x509v3_config` syntax). */
  readonly extensions: readonly string[];
  /** Issuer; self-signed when absent. */
  readonly issuer?: OpensslCert;
  readonly days?: number;
  /** Use an existing key file instead of generating one. */
  readonly keyPath?: string;
}

/** A scratch directory of openssl material; `dispose` removes it. */
export class OpensslWorkspace {
  readonly dir: string = mkdtempSync(join(tmpdir(), "mimi-identity-openssl-"));

  private run(args: string[]): string {
    return execFileSync("openssl", args, {
      cwd: this.dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  private digestArgs(algorithm: OpensslAlgorithm): string[] {
    return algorithm === "Ed25519" ? [] : [algorithm === "P-384" ? "-sha384" : "-sha256"];
  }

  /** Make a certificate: key, request and signature in one `openssl req -x509` run. */
  cert(name: string, o: OpensslCertOptions): OpensslCert {
    const cfg = join(this.dir, `${name}.cnf`);
    const certPath = join(this.dir, `${name}.pem`);
    writeFileSync(
      cfg,
      `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n[v3]\n${o.extensions.join("\n")}\n`,
    );
    let keyPath = o.keyPath;
    let keyArgs: string[];
    if (keyPath === undefined) {
      keyPath = join(this.dir, `${name}.key`);
      const newkey =
        o.algorithm === "Ed25519"
          ? ["-newkey", "ed25519"]
          : ["-newkey", "ec", "-pkeyopt", `ec_paramgen_curve:${o.algorithm}`];
      keyArgs = [...newkey, "-nodes", "-keyout", keyPath];
    } else {
      keyArgs = ["-key", keyPath];
    }
    const serial = `0x${randomBytes(12).toString("hex").replace(/^./, "4")}`;
    const signer = o.issuer;
    const caArgs = signer === undefined ? [] : ["-CA", signer.certPath, "-CAkey", signer.keyPath];
    this.run([
      "req",
      "-x509",
      "-new",
      ...keyArgs,
      "-subj",
      o.subject,
      "-days",
      String(o.days ?? 30),
      "-set_serial",
      serial,
      "-config",
      cfg,
      "-extensions",
      "v3",
      ...caArgs,
      ...this.digestArgs(signer?.algorithm ?? o.algorithm),
      "-out",
      certPath,
    ]);
    const pem = readFileSync(certPath, "utf8");
    return {
      name,
      certPath,
      keyPath,
      pem,
      der: pemBody(pem),
      serial: serial.slice(2),
      algorithm: o.algorithm,
    };
  }

  /** A CRL from `ca` revoking `revoked` (made with `openssl ca -revoke` and `-gencrl`). */
  crl(ca: OpensslCert, revoked: readonly OpensslCert[], crlDays = 7): { pem: string; der: Uint8Array } {
    const db = join(this.dir, `${ca.name}-index.txt`);
    const cfg = join(this.dir, `${ca.name}-ca.cnf`);
    writeFileSync(db, "");
    writeFileSync(join(this.dir, `${ca.name}-crlnumber`), "01\n");
    writeFileSync(
      cfg,
      [
        "[ca]",
        "default_ca = mimi",
        "[mimi]",
        `database = ${db}`,
        `crlnumber = ${join(this.dir, `${ca.name}-crlnumber`)}`,
        `default_md = ${ca.algorithm === "P-384" ? "sha384" : ca.algorithm === "Ed25519" ? "default" : "sha256"}`,
        "default_crl_days = 7",
        "",
      ].join("\n"),
    );
    const base = ["ca", "-config", cfg, "-keyfile", ca.keyPath, "-cert", ca.certPath];
    for (const r of revoked) this.run([...base, "-revoke", r.certPath]);
    const out = join(this.dir, `${ca.name}.crl.pem`);
    this.run([...base, "-gencrl", "-crldays", String(crlDays), "-out", out]);
    const pem = readFileSync(out, "utf8");
    return { pem, der: pemBody(pem) };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The DER inside the first PEM block of `pem`. */
function pemBody(pem: string): Uint8Array {
  const m = /-----BEGIN [A-Z0-9 ]+-----([^-]+)-----END/.exec(pem);
  if (m === null) throw new Error("openssl wrote no PEM block");
  return new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64"));
}
