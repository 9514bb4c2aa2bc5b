/**
 * Test set-up for the hub: providers on loopback over mutual TLS (the hub `a.example` and
 * followers), driven by real `@mimi/mls-profile` clients whose credentials name
 * `mimi://<domain>/d/<user>/<device>` clients.
 */

import type { Credential, GroupInfo, MLSMessage } from "@mimi/mls-profile";
import {
  createKeyPackage,
  createRoom,
  decryptWithLabel,
  encodeMlsMessage,
  exportGroupInfo,
  type KeyPackageBundle,
  loadCiphersuite,
  type MimiProfile,
  type MlsCiphersuite,
  type MlsGroupState,
  mimiCapabilities,
  mimiProfile,
  type RoomCommit,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import type { HandshakeBundle, PartialGroupInfo } from "@mimi/protocol";
import {
  decodeGroupInfoResponse,
  decodeMls,
  encodeGroupInfoRequest,
  encodeUpdateRequest,
  type GroupInfoRatchetTreeTBE,
  groupInfoRatchetTreeTBECodec,
  mlsOf,
  signGroupInfoRequest,
  verifyGroupInfoResponse,
} from "@mimi/protocol";
import { decodeWith, utf8 } from "@mimi/wire";
import { createFederationClient, type FederationClient } from "../src/federation/client.js";
import { userUriOfCredential } from "../src/hub/credentials.js";
import { hubEndpoints } from "../src/hub/endpoints.js";
import { type HubFanout, startHubFanout } from "../src/hub/fanout.js";
import { groupInfoEncryptionLabel } from "../src/hub/group-info.js";
import { createHub, type Hub, type HubOptions } from "../src/hub/hub.js";
import type { Endpoint } from "../src/server/endpoint.js";
import { implementedEndpoints } from "../src/server/index.js";
import { type ProviderServer, startProviderServer } from "../src/server/server.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";
import { makeClient, type TestClient, type TestResponse } from "./support/https-client.js";
import { makePki, type TestPki } from "./support/pki.js";

export const pki: TestPki = makePki("mimi-hub-test-ca", ["a.example", "b.example", "c.example"]);

/** One running provider. */
export interface TestProvider {
  readonly domain: string;
  readonly db: Database;
  readonly server: ProviderServer;
  /** Its client of the other test providers (the fanout sends through it). */
  readonly client: FederationClient;
  readonly hub?: Hub;
  readonly fanout?: HubFanout;
}

/** Open a PGlite database with the schema. */
export async function memoryDb(): Promise<Database> {
  const db = await openDatabase("memory://");
  await migrate(db);
  return db;
}

const ports = new Map<string, number>();

/** Start a provider: a hub (with fanout) when `hub` options are given, else a follower. */
export async function startTestProvider(
  domain: string,
  opts: {
    readonly db?: Database;
    readonly hub?: Partial<HubOptions>;
    readonly endpoints?: readonly Endpoint[];
  } = {},
): Promise<TestProvider> {
  const db = opts.db ?? (await memoryDb());
  const tls = pki.providers[domain]!;
  const hub = opts.hub === undefined ? undefined : createHub({ db, domain, ...opts.hub });
  const server = await startProviderServer({
    domain,
    key: tls.key,
    cert: tls.cert,
    ca: pki.caCert,
    db,
    endpoints: [
      ...implementedEndpoints,
      ...(hub === undefined ? [] : hubEndpoints(hub)),
      ...(opts.endpoints ?? []),
    ],
    log: () => {},
  });
  ports.set(domain, server.port);
  const client = createFederationClient({
    domain,
    key: tls.key,
    cert: tls.cert,
    ca: pki.caCert,
    peers: (d) => ({ host: "127.0.0.1", port: ports.get(d) ?? 1 }),
  });
  const fanout =
    hub === undefined
      ? undefined
      : startHubFanout(hub, { sender: { client }, baseDelayMs: 20, maxAttempts: 3, retryDelayMs: 200 });
  return {
    domain,
    db,
    server,
    client,
    ...(hub === undefined ? {} : { hub }),
    ...(fanout === undefined ? {} : { fanout }),
  };
}

/** Stop a provider (and its fanout), keeping or closing its database. */
export async function stopTestProvider(p: TestProvider, closeDb = true): Promise<void> {
  await p.fanout?.stop();
  p.client.close();
  await p.server.close(1000);
  if (closeDb) await p.db.close();
}

/** A client of provider `from` talking to `to`'s server. */
export function peerClient(from: string, to: TestProvider): TestClient {
  return makeClient(to.server.port, to.domain, { ...pki.providers[from]!, ca: pki.caCert });
}

/** POST a body to an endpoint of `to` as provider `from`. */
export async function post(
  client: TestClient,
  from: string,
  to: string,
  path: string,
  body: Uint8Array,
): Promise<TestResponse> {
  return client.send({
    method: "POST",
    path,
    headers: { host: to, from: `mimi@${from}` },
    body,
  });
}

/** `/v1/<name>/<param>` */
export const route = (name: string, param: string): string => `/v1/${name}/${encodeURIComponent(param)}`;

/** A MIMI client profile whose hub is `hub`. */
export async function clientProfile(hub: Hub): Promise<MimiProfile> {
  const cs = await loadCiphersuite();
  return mimiProfile({
    cs,
    authService: unsafeAcceptAllCredentials,
    hub: await hub.externalSender(),
    userOf: (c: Credential) => utf8(userUriOfCredential(c) ?? "?"),
  });
}

/** A KeyPackage of a client URI, with MIMI's capabilities. */
export function keyPackageOf(cs: MlsCiphersuite, clientUri: string): Promise<KeyPackageBundle> {
  return createKeyPackage(cs, {
    credential: { credentialType: "basic", identity: utf8(clientUri) },
    capabilities: mimiCapabilities(),
  });
}

/** The MLSMessage bytes of a KeyPackage. */
export function keyPackageMessage(kp: KeyPackageBundle): Uint8Array {
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: kp.publicPackage });
}

/** The MLSMessage(GroupInfo) and ratchet tree of a state, for `Hub.createRoom`. */
export async function roomInputs(
  profile: MimiProfile,
  state: MlsGroupState,
): Promise<{ groupInfo: Uint8Array; ratchetTree: Uint8Array }> {
  const gi = await exportGroupInfo(state, profile.cs);
  return {
    groupInfo: encodeMlsMessage(gi),
    ratchetTree: mlsOf("RatchetTree", state.ratchetTree).bytes,
  };
}

/**
 * The UpdateRequest of a facade commit, with the GroupInfo of `groupInfoOf` (full, or as the
 * PartialGroupInfo `partial` returns from it).
 */
export async function commitRequest(
  profile: MimiProfile,
  c: RoomCommit,
  groupInfoOf: MlsGroupState = c.state,
  partial?: (gi: GroupInfo) => PartialGroupInfo,
): Promise<Uint8Array> {
  const gi = await exportGroupInfo(groupInfoOf, profile.cs);
  if (gi.wireformat !== "mls_group_info") throw new Error("no GroupInfo");
  const bundle: HandshakeBundle = {
    proposalOrCommit: mlsOf("MLSMessage", c.commit),
    ...(c.welcome === undefined || c.welcome.wireformat !== "mls_welcome"
      ? {}
      : { welcome: mlsOf("Welcome", c.welcome.welcome) }),
    groupInfoOption:
      partial === undefined
        ? { representation: "full", groupInfo: mlsOf("GroupInfo", gi.groupInfo) }
        : { representation: "partial", partialGroupInfo: partial(gi.groupInfo) },
    ratchetTreeOption: { representation: "full", ratchet_tree: decodeMls("RatchetTree", c.ratchetTree) },
  };
  return encodeUpdateRequest({ bundle });
}

/** The UpdateRequest of proposals. */
export function proposalsRequest(proposals: readonly MLSMessage[]): Uint8Array {
  const [first, ...more] = proposals.map((p) => mlsOf("MLSMessage", p));
  return encodeUpdateRequest({ bundle: { proposalOrCommit: first!, moreProposals: more } });
}

/** Wait until `check` holds (polling), or fail after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What {@link fetchGroupInfo} got: the failure status, or the decrypted GroupInfo, tree and proposals. */
export type FetchedGroupInfo =
  | { readonly status: "notAuthorized" | "noSuchRoom" | number }
  | {
      readonly status: "success";
      readonly tbe: GroupInfoRatchetTreeTBE;
      readonly hubSignatureKey: Uint8Array;
    };

/**
 * Ask `hub` for a room's GroupInfo as the client of KeyPackage `kp` at provider `from` (a signed
 * GroupInfoRequest, protocol-06 §5.6), verify the hub's signature and decrypt the GroupInfo, tree
 * and pending proposals. Answers the HTTP status instead when it is not 200.
 */
export async function fetchGroupInfo(
  client: TestClient,
  from: string,
  hub: TestProvider,
  roomUri: string,
  profile: MimiProfile,
  kp: KeyPackageBundle,
  opts: { readonly suite?: number; readonly joiningCode?: Uint8Array } = {},
): Promise<FetchedGroupInfo> {
  const cs = profile.cs.impl;
  const hpke = await cs.hpke.generateKeyPair();
  const body = encodeGroupInfoRequest(
    await signGroupInfoRequest(
      {
        protocol: "mls10",
        cipher_suite: opts.suite ?? profile.cs.id,
        requestingSignatureKey: kp.publicPackage.leafNode.signaturePublicKey,
        requestingCredential: mlsOf("Credential", kp.publicPackage.leafNode.credential),
        groupInfoPublicKey: await cs.hpke.exportPublicKey(hpke.publicKey),
        ...(opts.joiningCode === undefined ? {} : { joiningCode: opts.joiningCode }),
      },
      kp.privatePackage.signaturePrivateKey,
      cs.signature,
    ),
  );
  const res = await post(client, from, hub.domain, route("groupInfo", roomUri), body);
  if (res.status !== 200) return { status: res.status };
  const gir = decodeGroupInfoResponse(res.body);
  if (gir.status !== "success" || !("encrypted_groupinfo_and_tree" in gir))
    return { status: gir.status as "notAuthorized" | "noSuchRoom" };
  await verifyGroupInfoResponse(gir, cs.signature);
  const ct = gir.encrypted_groupinfo_and_tree.value;
  const plain = await decryptWithLabel(
    cs,
    await cs.hpke.exportPrivateKey(hpke.privateKey),
    groupInfoEncryptionLabel,
    utf8(roomUri),
    ct,
  );
  return {
    status: "success",
    tbe: decodeWith(groupInfoRatchetTreeTBECodec, plain),
    hubSignatureKey: gir.hub_sender.value.signaturePublicKey,
  };
}

/** The UpdateRequest of an external join (`joinRoomExternal`'s result), with a full or partial GroupInfo. */
export function externalCommitRequest(
  profile: MimiProfile,
  joined: { readonly state: MlsGroupState; readonly commit: MLSMessage },
  partial?: (gi: GroupInfo) => PartialGroupInfo,
): Promise<Uint8Array> {
  return commitRequest(
    profile,
    {
      state: joined.state,
      commit: joined.commit,
      welcome: undefined,
      consumed: [],
      ratchetTree: mlsOf("RatchetTree", joined.state.ratchetTree).bytes,
    },
    joined.state,
    partial,
  );
}

/** Create a room with its creator's first client and host it at `hub`; answers the creator's state. */
export async function hostRoom(
  hub: Hub,
  profile: MimiProfile,
  roomUri: string,
  creatorClient: string,
  creatorRole = 2,
): Promise<MlsGroupState> {
  const kp = await keyPackageOf(profile.cs, creatorClient);
  const state = await createRoom(profile, { roomUri, keyPackage: kp, creatorRole });
  const inputs = await roomInputs(profile, state);
  await hub.createRoom(roomUri, inputs.groupInfo, inputs.ratchetTree, creatorClient);
  return state;
}
