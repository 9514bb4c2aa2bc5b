/**
 * Joining a group whose every member has an X.509 credential, for `pnpm mimi bench mls`
 * (`nN.joinX509.ms`, joined to the mls area by the CLI: @mimi/mls-profile cannot depend on this
 * package, which sits above it).
 *
 * For each group size N (`--sizes`; default 10, 100; `--quick`: 10) one group of N Ed25519
 * members, each with a client certificate of the same provider CA, is built once; a newcomer then
 * joins from the Welcome with the X.509 authentication service, through a trust store made for
 * that run (so no validated path is cached: every member's chain is validated, as for a real
 * newcomer). The baseline of the same run, `nN.joinX509.floor.ms`, is the cryptographic floor:
 * verifying 2N Ed25519 signatures once each with WebCrypto (each member's LeafNode signature and
 * its certificate's signature), keys imported beforehand. Issue 20's goal: join ≤ 2× the floor.
 * `nN.joinX509.unvalidated.ms` is the same join with credentials accepted unvalidated: the part of
 * the join that is MLS, not credentials.
 */
import { webcrypto } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  type Credential,
  commit,
  createGroup,
  createKeyPackage,
  generateSignatureKeyPair,
  joinFromWelcome,
  type KeyPackageBundle,
  loadCiphersuite,
  makeClientConfig,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import { type BenchArea, latencyMetric, type Metric, median } from "@mimi/testkit";
import { createProviderPki, issueClientCertificate } from "../src/dev-pki.js";
import { spkiFromMlsSignatureKey, x509ClientConfig } from "../src/mls-credential.js";
import { decodePem } from "../src/pem.js";
import { createTrustStore, trustAnchor } from "../src/trust-store.js";

/** Time of `count` Ed25519 verifications, each of a distinct signature, with WebCrypto. */
async function floorMs(count: number): Promise<number> {
  const subtle = webcrypto.subtle;
  const keys = (await subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const messages: Uint8Array[] = [];
  const signatures: ArrayBuffer[] = [];
  for (let i = 0; i < count; i++) {
    const m = new Uint8Array(300).fill(i & 0xff);
    m[0] = i >> 8;
    messages.push(m);
    signatures.push(await subtle.sign({ name: "Ed25519" }, keys.privateKey, m));
  }
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    if (!(await subtle.verify({ name: "Ed25519" }, keys.publicKey, signatures[i]!, messages[i]!)))
      throw new Error("bench: floor signature does not verify");
  }
  return performance.now() - start;
}

async function measure(n: number, runs: number, progress?: (line: string) => void): Promise<Metric[]> {
  const cs = await loadCiphersuite();
  const pki = await createProviderPki("a.example", { algorithm: "Ed25519" });
  progress?.(`x509 join n=${n}: issuing ${n + 1} certificates`);
  const kps: KeyPackageBundle[] = [];
  for (let i = 0; i < n + 1; i++) {
    const keys = await generateSignatureKeyPair(cs);
    const issued = await issueClientCertificate(pki.ca, {
      userUri: `mimi://a.example/u/user${i}`,
      clientUri: `mimi://a.example/d/user${i}/phone`,
      publicKey: spkiFromMlsSignatureKey(keys.publicKey),
    });
    const credential: Credential = {
      credentialType: "x509",
      certificates: [decodePem(issued.certificatePem, "CERTIFICATE")],
    };
    kps.push(await createKeyPackage(cs, { credential, signatureKeyPair: keys }));
  }
  const newcomer = kps.pop() as KeyPackageBundle;
  progress?.(`x509 join n=${n}: building the group`);
  // the group is built without validating (it is not what is measured)
  const building = makeClientConfig({ authService: unsafeAcceptAllCredentials });
  const group = await createGroup(cs, {
    groupId: new TextEncoder().encode("mimi://a.example/r/bench"),
    keyPackage: kps[0]!,
    config: building,
  });
  const built = await commit(group, cs, {
    proposals: kps
      .slice(1)
      .map((k) => ({ proposalType: "add" as const, add: { keyPackage: k.publicPackage } })),
  });
  const added = await commit(built.state, cs, {
    proposals: [{ proposalType: "add", add: { keyPackage: newcomer.publicPackage } }],
  });
  const tree = added.state.ratchetTree;
  const join = async (): Promise<number> => {
    // a trust store of its own: nothing validated before
    const config = x509ClientConfig({ trust: createTrustStore([trustAnchor(pki.ca.certificatePem)]) });
    const start = performance.now();
    await joinFromWelcome(cs, added.welcome!, newcomer, { config, ratchetTree: tree });
    return performance.now() - start;
  };
  progress?.(`x509 join n=${n}: measuring`);
  // the same join with no credential validated: what of the join is MLS rather than credentials
  const joinUnvalidated = async (): Promise<number> => {
    const start = performance.now();
    await joinFromWelcome(cs, added.welcome!, newcomer, { config: building, ratchetTree: tree });
    return performance.now() - start;
  };
  const joins: number[] = [];
  const floors: number[] = [];
  const unvalidated: number[] = [];
  for (let r = 0; r < runs; r++) {
    floors.push(await floorMs(2 * (n + 1)));
    joins.push(await join());
    unvalidated.push(await joinUnvalidated());
  }
  const floor = latencyMetric(`n${n}.joinX509.floor.ms`, median(floors));
  return [
    floor,
    latencyMetric(`n${n}.joinX509.ms`, median(joins), floor),
    latencyMetric(`n${n}.joinX509.unvalidated.ms`, median(unvalidated), floor),
  ];
}

/** Part of the `mls` bench area (`nN.joinX509.ms`), joined by `mimi bench mls`. */
export const bench: BenchArea = {
  area: "mls-x509",
  async run({ quick, sizes, progress }) {
    const metrics: Metric[] = [];
    for (const n of sizes ?? (quick ? [10] : [10, 100])) {
      metrics.push(...(await measure(n, quick || n >= 1000 ? 1 : 3, progress)));
    }
    return { area: "mls-x509", metrics };
  },
};
