/**
 * The hub's own keys, created once per provider and kept in storage (so every server process
 * sharing the database, and every restart, uses the same ones): the signature key pair of its
 * `ExternalSender` entry (protocol-06 §7.4; it also signs GroupInfo responses, §5.6, and is the
 * default franking key, §5.4.1), and the HMAC `hub_key` of server franks (§5.4.1).
 */
import type { Credential, ExternalSender, MlsCiphersuite } from "@mimi/mls-profile";
import { type GatewayKey, makeGatewayKey } from "@mimi/ohttp";
import { utf8 } from "@mimi/wire";
import type { Database } from "../storage/database.js";
import { deleteHubKey, hubKey, hubKeysByPrefix, insertHubKey } from "./store.js";

/** The hub's keys. */
export interface HubKeys {
  /** The signature private key (ts-mls form) of the hub's cipher suite. */
  readonly signKey: Uint8Array;
  readonly signaturePublicKey: Uint8Array;
  /** The hub's credential: a basic credential whose identity is `mimi://<domain>` (decision 0622). */
  readonly credential: Credential;
  /** The HMAC-SHA256 key of server franks. */
  readonly frankingKey: Uint8Array;
}

async function getOrCreate(db: Database, name: string, make: () => Promise<Uint8Array>, now: number) {
  const existing = await hubKey(db, name);
  if (existing !== undefined) return existing;
  await insertHubKey(db, name, await make(), now);
  return (await hubKey(db, name))!;
}

/**
 * Load the hub's keys for `cs`, creating them the first time (several processes racing agree on
 * the first one stored).
 */
export async function loadHubKeys(
  db: Database,
  domain: string,
  cs: MlsCiphersuite,
  now: number,
): Promise<HubKeys> {
  const name = `signature.${cs.id}`;
  let pair: { signKey: Uint8Array; publicKey: Uint8Array } | undefined;
  const pairBytes = await getOrCreate(
    db,
    name,
    async () => {
      pair = await cs.impl.signature.keygen();
      const out = new Uint8Array(4 + pair.signKey.length + pair.publicKey.length);
      new DataView(out.buffer).setUint32(0, pair.signKey.length);
      out.set(pair.signKey, 4);
      out.set(pair.publicKey, 4 + pair.signKey.length);
      return out;
    },
    now,
  );
  const n = new DataView(pairBytes.buffer, pairBytes.byteOffset).getUint32(0);
  const signKey = pairBytes.slice(4, 4 + n);
  const signaturePublicKey = pairBytes.slice(4 + n);
  const frankingKey = await getOrCreate(
    db,
    "franking.hmac",
    async () => globalThis.crypto.getRandomValues(new Uint8Array(32)),
    now,
  );
  return {
    signKey,
    signaturePublicKey,
    credential: { credentialType: "basic", identity: utf8(`mimi://${domain}`) },
    frankingKey,
  };
}

/** The hub's `ExternalSender` entry (RFC 9420 §12.1.8.1) for rooms' `external_senders`. */
export function hubExternalSender(keys: HubKeys): ExternalSender {
  return { signaturePublicKey: keys.signaturePublicKey, credential: keys.credential };
}

/** How the hub's OHTTP gateway rotates its key (decision 0672). */
export interface OhttpKeyRotation {
  /** How long a key is the current one (default 7 days). */
  readonly periodMs?: number;
  /** How long a replaced key still opens requests, for clients that fetched it before (default 1 day). */
  readonly graceMs?: number;
}

/** The gateway's keys: the one it offers, and every one it still accepts (the offered one included). */
export interface OhttpGatewayKeys {
  readonly current: GatewayKey;
  readonly accepted: readonly GatewayKey[];
}

const OHTTP_KEY = "ohttp.x25519";
const DAY_MS = 86_400_000;

/** The key identifier of a stored OHTTP key: `ohttp.x25519.<id>`, or 0 for the first key of old stores. */
function ohttpKeyId(name: string): number {
  return name === OHTTP_KEY ? 0 : Number(name.slice(OHTTP_KEY.length + 1));
}

/**
 * The hub's OHTTP gateway keys at `now` (RFC 9458; decisions 0671, 0672): X25519 keys kept in
 * storage like the other hub keys, so every process sharing the database agrees on them. A key is
 * current for `periodMs`; then a new one with the next key identifier (mod 256) replaces it, and
 * the old one still opens requests for `graceMs` (clients keep a fetched configuration), after
 * which its secret is deleted, so that requests recorded earlier can no longer be opened.
 */
export async function loadOhttpGatewayKeys(
  db: Database,
  now: number,
  rotation: OhttpKeyRotation = {},
): Promise<OhttpGatewayKeys> {
  const periodMs = rotation.periodMs ?? 7 * DAY_MS;
  const graceMs = rotation.graceMs ?? DAY_MS;
  const stored = () => hubKeysByPrefix(db, OHTTP_KEY);
  let keys = await stored();
  const newest = keys[0];
  if (newest === undefined || now - newest.createdAt >= periodMs) {
    const id = newest === undefined ? 0 : (ohttpKeyId(newest.name) + 1) % 256;
    // processes racing to rotate pick the same name: the first one stored wins
    await insertHubKey(db, `${OHTTP_KEY}.${id}`, globalThis.crypto.getRandomValues(new Uint8Array(32)), now);
    keys = await stored();
  }
  const [current, ...older] = keys;
  const accepted = [current!];
  for (const k of older) {
    if (
      now - k.createdAt < periodMs + graceMs &&
      !accepted.some((a) => ohttpKeyId(a.name) === ohttpKeyId(k.name))
    )
      accepted.push(k);
    else await deleteHubKey(db, k.name);
  }
  const gatewayKey = (k: { name: string; value: Uint8Array }) => makeGatewayKey(ohttpKeyId(k.name), k.value);
  return { current: gatewayKey(current!), accepted: accepted.map(gatewayKey) };
}
