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
import { hubKey, insertHubKey } from "./store.js";

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

/**
 * The hub's OHTTP gateway key (RFC 9458, decision 0671): one X25519 key with key identifier 0,
 * created once and kept in storage like the other hub keys.
 */
export async function loadOhttpGatewayKey(db: Database, now: number): Promise<GatewayKey> {
  const secret = await getOrCreate(
    db,
    "ohttp.x25519",
    async () => globalThis.crypto.getRandomValues(new Uint8Array(32)),
    now,
  );
  return makeGatewayKey(0, secret);
}
