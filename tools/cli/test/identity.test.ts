import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

let dir: string;
const p = (...parts: string[]): string => join(dir, ...parts);

beforeAll(async () => {
  try {
    execFileSync("openssl", ["version"]);
  } catch (e) {
    throw new Error(`these tests need the \`openssl\` command (OpenSSL 3) on PATH: ${(e as Error).message}`);
  }
  dir = mkdtempSync(join(tmpdir(), "mimi-cli-pki-"));
  expect((await runCli(["pki", "init", "a.example", "--out", p("a")])).code).toBe(0);
  expect((await runCli(["pki", "init", "b.example", "--out", p("b"), "--algorithm", "Ed25519"])).code).toBe(
    0,
  );
  const r = await runCli([
    "pki",
    "issue-client",
    "--ca",
    p("a"),
    "--user",
    "mimi://a.example/u/alice",
    "--client",
    "mimi://a.example/d/alice/phone",
    "--out",
    p("alice"),
  ]);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verify = async (...args: string[]) => {
  const r = await runCli(["cert", "verify", ...args]);
  return { ...r, json: JSON.parse(r.stdout) as { valid: boolean; reason?: string; identifiers: string[] } };
};

describe("mimi pki and mimi cert verify", () => {
  it("pki init writes a CA and a mutual-TLS certificate, keys private; openssl accepts the chains", () => {
    expect(statSync(p("a", "ca.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(p("a", "server.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // An independent implementation validates what we issue (name constraints included).
    const out = execFileSync(
      "openssl",
      ["verify", "-CAfile", p("a", "ca.pem"), p("a", "server.pem"), p("alice", "client.pem")],
      {
        encoding: "utf8",
      },
    );
    expect(out).toMatch(/server\.pem: OK[\s\S]*client\.pem: OK/);
  });

  it("IDENTITY-MATCH-01 verify prints the identifiers and checks the expected URI", async () => {
    const ok = await verify(
      "--anchor",
      p("a", "ca.pem"),
      p("alice", "client.pem"),
      "--expect-uri",
      "mimi://a.example/u/alice",
    );
    expect(ok.code).toBe(0);
    expect(ok.json).toEqual({
      valid: true,
      identifiers: ["mimi://a.example/d/alice/phone", "mimi://a.example/u/alice"],
    });
    const bad = await verify(
      "--anchor",
      p("a", "ca.pem"),
      p("alice", "client.pem"),
      "--expect-uri",
      "mimi://a.example/u/bob",
    );
    expect(bad.code).toBe(1);
    expect(bad.json).toEqual({ valid: false, reason: "identifier-mismatch", identifiers: [] });
    expect(bad.stderr).toMatch(/^error: CertificateValidationError: .*IDENTITY-MATCH-01/);
  });

  it("IDENTITY-SERVER-01 verify recognises a provider certificate", async () => {
    const r = await verify("--anchor", p("a", "ca.pem"), p("a", "server.pem"));
    expect(r.json).toEqual({ valid: true, identifiers: ["mimi://a.example"] });
  });

  it("IDENTITY-DOMAIN-01 another provider's anchor does not validate a.example's client", async () => {
    const r = await verify("--anchor", p("b", "ca.pem"), p("alice", "client.pem"));
    expect(r.code).toBe(1);
    expect(r.json.reason).toBe("untrusted");
    const both = await verify(
      "--anchor",
      p("b", "ca.pem"),
      "--anchor",
      p("a", "ca.pem"),
      p("alice", "client.pem"),
    );
    expect(both.json.valid).toBe(true);
  });

  it("IDENTITY-DOMAIN-01 --anchor DOMAIN=FILE binds an ordinary CA (no mimi: SAN) to a provider domain", async () => {
    const openssl = (cnf: string, extensions: string, args: string[]): void => {
      writeFileSync(p(cnf), `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n[v3]\n${extensions}\n`);
      execFileSync("openssl", [
        "req",
        "-x509",
        "-new",
        "-nodes",
        "-days",
        "30",
        "-config",
        p(cnf),
        "-extensions",
        "v3",
        ...args,
      ]);
    };
    // A CA as any existing PKI makes it: a plain subject, no subjectAltName.
    openssl(
      "plain-ca.cnf",
      "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign",
      [
        ...["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-keyout", p("plain-ca.key")],
        ...["-subj", "/O=Example Corp/CN=Example Corp Root", "-out", p("plain-ca.pem")],
      ],
    );
    openssl(
      "plain-leaf.cnf",
      "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nsubjectAltName = URI:mimi://a.example/d/erin/1, URI:mimi://a.example/u/erin",
      [
        ...["-newkey", "ed25519", "-keyout", p("plain-leaf.key"), "-subj", "/CN=erin"],
        ...["-CA", p("plain-ca.pem"), "-CAkey", p("plain-ca.key"), "-out", p("plain-leaf.pem")],
      ],
    );
    const bound = await verify("--anchor", `a.example=${p("plain-ca.pem")}`, p("plain-leaf.pem"));
    expect(bound.code).toBe(0);
    expect(bound.json).toEqual({
      valid: true,
      identifiers: ["mimi://a.example/d/erin/1", "mimi://a.example/u/erin"],
    });
    // Bound to another domain, the CA cannot certify a.example's clients.
    const elsewhere = await verify("--anchor", `B.Example=${p("plain-ca.pem")}`, p("plain-leaf.pem"));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.json.reason).toBe("domain-mismatch");
    // A plain FILE keeps reading the domain from the CA's mimi: SAN, which this CA has not.
    const plain = await runCli(["cert", "verify", "--anchor", p("plain-ca.pem"), p("plain-leaf.pem")]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^error: ValidationError: .*mimi:\/\/<domain> subjectAltName/);
    // The development PKI's anchors work bound too, and a bad DOMAIN= is a usage error.
    expect((await verify("--anchor", `a.example=${p("a", "ca.pem")}`, p("alice", "client.pem"))).code).toBe(
      0,
    );
    for (const bad of ["not a domain=x.pem", "a.example="]) {
      const r = await runCli(["cert", "verify", "--anchor", bad, p("alice", "client.pem")]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/^error: UsageError: --anchor /);
    }
  });

  it("IDENTITY-PATH-02 verify --at checks validity at the given time", async () => {
    const r = await verify(
      "--anchor",
      p("a", "ca.pem"),
      p("alice", "client.pem"),
      "--at",
      "2001-01-01T00:00:00Z",
    );
    expect(r.json).toEqual({ valid: false, reason: "not-yet-valid", identifiers: [] });
  });

  it("IDENTITY-PATH-07 pki revoke writes a CRL that verify --crl honours", async () => {
    const issued = await runCli([
      "pki",
      "issue-client",
      "--ca",
      p("a"),
      "--user",
      "mimi://a.example/u/carol",
      "--client",
      "mimi://a.example/d/carol/1",
      "--out",
      p("carol"),
    ]);
    const serial = (JSON.parse(issued.stdout) as { serialNumber: string }).serialNumber;
    expect((await runCli(["pki", "revoke", "--ca", p("a"), "--out", p("a.crl"), serial])).code).toBe(0);
    const r = await verify("--anchor", p("a", "ca.pem"), "--crl", p("a.crl"), p("carol", "client.pem"));
    expect(r.json).toEqual({ valid: false, reason: "revoked", identifiers: [] });
    const other = await verify("--anchor", p("a", "ca.pem"), "--crl", p("a.crl"), p("alice", "client.pem"));
    expect(other.json.valid).toBe(true);
  });

  it("IDENTITY-PATH-04 an openssl intermediate under a pathlen-0 provider CA is refused", async () => {
    const ext = p("mid.cnf");
    writeFileSync(
      ext,
      "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n[v3]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n",
    );
    execFileSync("openssl", [
      "req",
      "-x509",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      p("mid.key"),
      "-subj",
      "/CN=mid",
      "-days",
      "30",
      "-config",
      ext,
      "-extensions",
      "v3",
      "-CA",
      p("a", "ca.pem"),
      "-CAkey",
      p("a", "ca.key"),
      "-out",
      p("mid.pem"),
    ]);
    const leafExt = p("leaf.cnf");
    writeFileSync(
      leafExt,
      "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n[v3]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nsubjectAltName = critical, URI:mimi://a.example/d/dave/1, URI:mimi://a.example/u/dave\n",
    );
    execFileSync("openssl", [
      "req",
      "-x509",
      "-new",
      "-newkey",
      "ed25519",
      "-nodes",
      "-keyout",
      p("leaf.key"),
      "-subj",
      "/CN=dave",
      "-days",
      "30",
      "-config",
      leafExt,
      "-extensions",
      "v3",
      "-CA",
      p("mid.pem"),
      "-CAkey",
      p("mid.key"),
      "-out",
      p("leaf.pem"),
    ]);
    const r = await verify(
      "--anchor",
      p("a", "ca.pem"),
      "--intermediate",
      p("mid.pem"),
      p("leaf.pem"),
      "--at",
      new Date(Date.now() + 600_000).toISOString(),
    );
    expect(r.json).toEqual({ valid: false, reason: "path-length-exceeded", identifiers: [] });
  });

  it("bad input: malformed PEM gives reason malformed; bad options exit 2", async () => {
    writeFileSync(p("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    const r = await verify("--anchor", p("a", "ca.pem"), p("junk.pem"));
    expect(r.code).toBe(1);
    expect(r.json).toEqual({ valid: false, reason: "malformed", identifiers: [] });
    expect(r.stderr).toMatch(/^error: CodecError: /);
    expect((await runCli(["cert", "verify", p("alice", "client.pem")])).code).toBe(2);
    expect(
      (
        await runCli([
          "cert",
          "verify",
          "--anchor",
          p("a", "ca.pem"),
          p("alice", "client.pem"),
          "--at",
          "yesterday",
        ])
      ).code,
    ).toBe(2);
    expect((await runCli(["pki", "init", "a.example"])).code).toBe(2);
    expect((await runCli(["pki", "init", "a.example", "--out", p("x"), "--algorithm", "RSA"])).code).toBe(2);
    const badUri = await runCli([
      "pki",
      "issue-client",
      "--ca",
      p("a"),
      "--user",
      "mimi://a.example/r/x",
      "--client",
      "mimi://a.example/d/x/1",
      "--out",
      p("x"),
    ]);
    expect(badUri.code).toBe(1);
    expect(badUri.stderr).toMatch(/^error: (IdentifierError|ValidationError): /);
  });
});
