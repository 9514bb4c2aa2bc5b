/**
 * A provider's KeyPackage store (protocol-06 §4.3.1, §5.2): the KeyPackages its clients uploaded,
 * claimed one per client by `/keyMaterial`, and the KeyPackageRef → client association the
 * provider needs to deliver a Welcome to the client whose KeyPackage it adds (§5.5).
 *
 * A claimed KeyPackage is kept (marked claimed) so its ref still names its client; it is never
 * handed out again. A last-resort KeyPackage (draft-ietf-mls-extensions-10 §6.4) is handed out
 * only when the client has no other compatible one, and is not consumed (decision 0620).
 */

import { userOfClient } from "@mimi/identifiers";
import {
  appDataDictionaryOf,
  type Capabilities,
  isLastResort,
  type KeyPackage,
  loadCiphersuite,
  makeKeyPackageRef,
  type RequiredCapabilities,
  verifyKeyPackageSignature,
} from "@mimi/mls-profile";
import { decodeMls, type Mls, mlsOf } from "@mimi/protocol";
import { CodecError, ValidationError } from "@mimi/wire";
import { clientUriOfCredential } from "../hub/credentials.js";
import { type Database, IDEMPOTENT, type SqlExecutor, toBytes } from "./database.js";

/** A KeyPackage checked for storage: its ref, client, suite and last-resort flag. */
export interface CheckedKeyPackage {
  readonly ref: Uint8Array;
  readonly clientUri: string;
  readonly cipherSuite: number;
  readonly lastResort: boolean;
  /** The leaf's `lifetime.not_after`, seconds since the UNIX epoch. */
  readonly notAfter: bigint;
  readonly keyPackage: Mls<KeyPackage>;
}

/**
 * The KeyPackageRef of a KeyPackage (RFC 9420 §5.2: `RefHash("MLS 1.0 KeyPackage Reference",
 * KeyPackage)` with the hash of the KeyPackage's own cipher suite).
 *
 * @throws ValidationError for a cipher suite that is not one of RFC 9420's.
 */
export async function keyPackageRef(keyPackage: KeyPackage): Promise<Uint8Array> {
  const cs = await loadCiphersuite(keyPackage.cipherSuite as never);
  return makeKeyPackageRef(cs.impl, keyPackage);
}

/**
 * Decode and check one uploaded `MLSMessage` holding a KeyPackage of `clientUri`.
 *
 * @throws CodecError for bytes that are not an MLSMessage(KeyPackage); ValidationError when the
 * signature does not verify (`PROTO-KP-01`), the credential names another client (`PROTO-KP-02`),
 * or the suite is not an RFC 9420 one.
 */
export async function checkUploadedKeyPackage(
  clientUri: string,
  bytes: Uint8Array,
  path = "",
): Promise<CheckedKeyPackage> {
  const message = decodeMls("MLSMessage", bytes);
  if (message.value.wireformat !== "mls_key_package")
    throw new CodecError(`expected an MLSMessage holding a KeyPackage, got ${message.value.wireformat}`, {
      path: `${path}/wire_format`,
    });
  const kp = message.value.keyPackage;
  const cs = await loadCiphersuite(kp.cipherSuite as never);
  // [PROTO-KP-01] RFC 9420 §10.1: a KeyPackage whose signature does not verify with its leaf's
  // signature key MUST NOT be used; we refuse to store it.
  if (!(await verifyKeyPackageSignature(cs.impl, kp)))
    throw new ValidationError("KeyPackage signature does not verify", {
      path: `${path}/signature`,
      rule: "PROTO-KP-01",
    });
  // [PROTO-KP-02] draft-ietf-mimi-protocol-06 §5.2: the target provider associates each KeyPackage
  // with the client it belongs to; a client may only upload KeyPackages naming itself.
  const owner = clientUriOfCredential(kp.leafNode.credential);
  if (owner !== clientUri)
    throw new ValidationError(`KeyPackage credential names ${owner ?? "no client"}, not ${clientUri}`, {
      path: `${path}/leaf_node/credential`,
      rule: "PROTO-KP-02",
    });
  const lastResort = isLastResort(appDataDictionaryOf(kp.extensions));
  const notAfter = kp.leafNode.lifetime.notAfter;
  return {
    ref: await makeKeyPackageRef(cs.impl, kp),
    clientUri,
    cipherSuite: cs.id,
    lastResort,
    notAfter,
    keyPackage: mlsOf("KeyPackage", kp),
  };
}

/**
 * Store KeyPackages uploaded by one client (each an `MLSMessage` holding a KeyPackage), all or
 * none. Uploading a KeyPackage again is a no-op.
 *
 * @throws CodecError or ValidationError (see {@link checkUploadedKeyPackage}) naming the index.
 */
export async function storeKeyPackages(
  db: Database,
  clientUri: string,
  keyPackages: readonly Uint8Array[],
  now: number = Date.now(),
): Promise<void> {
  const userUri = userOfClientUri(clientUri);
  const checked: CheckedKeyPackage[] = [];
  for (const [i, bytes] of keyPackages.entries())
    checked.push(await checkUploadedKeyPackage(clientUri, bytes, `/key_packages/${i}`));
  if (checked.length === 0) return;
  await db.query(
    `${IDEMPOTENT} INSERT INTO key_packages (ref, client_uri, user_uri, cipher_suite, last_resort, not_after, uploaded_at, key_package)
     SELECT u.r, $1, $2, u.s, u.l, u.n, $3, u.k
       FROM unnest($4::bytea[], $5::integer[], $6::boolean[], $7::numeric[], $8::bytea[]) AS u(r, s, l, n, k)
     ON CONFLICT (ref) DO NOTHING`,
    [
      clientUri,
      userUri,
      now,
      checked.map((c) => c.ref),
      checked.map((c) => c.cipherSuite),
      checked.map((c) => c.lastResort),
      checked.map((c) => c.notAfter.toString()),
      checked.map((c) => c.keyPackage.bytes),
    ],
  );
}

/** The client a KeyPackageRef belongs to (claimed or not), if this provider stored it. */
export async function clientOfKeyPackageRef(db: SqlExecutor, ref: Uint8Array): Promise<string | undefined> {
  const rows = await db.query<{ client_uri: string }>("SELECT client_uri FROM key_packages WHERE ref = $1", [
    ref,
  ]);
  return rows[0]?.client_uri;
}

/** What a claim needs to know (protocol-06 §5.2 KeyMaterialRequest). */
export interface KeyPackageClaim {
  /** The requester's acceptable cipher suites (code points). */
  readonly acceptableCiphersuites: readonly number[];
  readonly requiredCapabilities: RequiredCapabilities;
  /** Now, ms since the UNIX epoch (KeyPackages whose lifetime ended are never handed out). */
  readonly now: number;
}

/** The outcome of a claim for one client. */
export type ClaimedClient =
  | {
      readonly clientUri: string;
      readonly status: "success";
      readonly ref: Uint8Array;
      readonly keyPackage: Mls<KeyPackage>;
    }
  | { readonly clientUri: string; readonly status: "keyMaterialExhausted" }
  | {
      readonly clientUri: string;
      readonly status: "nothingCompatible";
      readonly capabilities?: Capabilities;
    };

/** Whether a KeyPackage's leaf supports everything `required` names (RFC 9420 §11.1). */
export function meetsRequiredCapabilities(kp: KeyPackage, required: RequiredCapabilities): boolean {
  const caps = kp.leafNode.capabilities;
  return (
    required.extensionTypes.every((t) => caps.extensions.includes(t)) &&
    required.proposalTypes.every((t) => caps.proposals.includes(t)) &&
    required.credentialTypes.every((t) => caps.credentials.includes(t))
  );
}

/**
 * Claim one KeyPackage for every client of `userUri` that has any, in one transaction: the
 * oldest compatible, unexpired, unclaimed one, a last-resort one only when nothing else fits.
 * Clients are listed in URI order. Returns an empty list for a user with no clients.
 */
export async function claimKeyPackages(
  db: Database,
  userUri: string,
  claim: KeyPackageClaim,
): Promise<ClaimedClient[]> {
  const nowSeconds = BigInt(Math.floor(claim.now / 1000));
  return db.transaction(async (tx) => {
    const rows = await tx.query<{
      ref: unknown;
      client_uri: string;
      cipher_suite: number;
      last_resort: boolean;
      not_after: unknown;
      claimed_at: unknown;
      key_package: unknown;
    }>(
      `SELECT ref, client_uri, cipher_suite, last_resort, not_after, claimed_at, key_package
         FROM key_packages WHERE user_uri = $1
        ORDER BY client_uri, last_resort, uploaded_at, ref FOR UPDATE`,
      [userUri],
    );
    const byClient = new Map<string, typeof rows>();
    for (const r of rows) byClient.set(r.client_uri, [...(byClient.get(r.client_uri) ?? []), r]);
    const out: ClaimedClient[] = [];
    const claimed: Uint8Array[] = [];
    for (const [clientUri, list] of byClient) {
      // [PROTO-KM-05] draft-ietf-mimi-protocol-06 §5.2: material in one response MUST NOT be
      // provided in any other response, and expired KeyPackages MUST NOT be returned.
      const available = list.filter(
        (r) => (r.last_resort || r.claimed_at === null) && BigInt(String(r.not_after)) >= nowSeconds,
      );
      if (available.length === 0) {
        out.push({ clientUri, status: "keyMaterialExhausted" });
        continue;
      }
      let chosen: { row: (typeof rows)[number]; kp: Mls<KeyPackage> } | undefined;
      let lastCaps: Capabilities | undefined;
      for (const row of available) {
        const kp = decodeMls("KeyPackage", toBytes(row.key_package));
        lastCaps = kp.value.leafNode.capabilities;
        if (!claim.acceptableCiphersuites.includes(Number(row.cipher_suite))) continue;
        if (!meetsRequiredCapabilities(kp.value, claim.requiredCapabilities)) continue;
        chosen = { row, kp };
        break;
      }
      if (chosen === undefined) {
        out.push({
          clientUri,
          status: "nothingCompatible",
          ...(lastCaps === undefined ? {} : { capabilities: lastCaps }),
        });
        continue;
      }
      const ref = toBytes(chosen.row.ref);
      if (!chosen.row.last_resort) claimed.push(ref);
      out.push({ clientUri, status: "success", ref, keyPackage: chosen.kp });
    }
    if (claimed.length > 0)
      await tx.query("UPDATE key_packages SET claimed_at = $1 WHERE ref = ANY($2::bytea[])", [
        claim.now,
        claimed,
      ]);
    return out;
  });
}

/** Whether any KeyPackage (claimed or not) was ever stored for a user. */
export async function userHasClients(db: SqlExecutor, userUri: string): Promise<boolean> {
  const rows = await db.query("SELECT 1 FROM key_packages WHERE user_uri = $1 LIMIT 1", [userUri]);
  return rows.length > 0;
}

function userOfClientUri(clientUri: string): string {
  let user: string | undefined;
  try {
    user = userOfClient(clientUri);
  } catch (e) {
    throw new ValidationError(`not a client URI: ${clientUri}`, { path: "/clientUri", cause: e });
  }
  if (user === undefined)
    throw new ValidationError(`client URI ${clientUri} names no user`, { path: "/clientUri" });
  return user;
}
