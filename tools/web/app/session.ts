/**
 * The one module of the web app that touches enrollment, request authentication and persistence;
 * the screens only see a {@link Session}. Everything else is the real `@mimi/client`.
 *
 * - Enrollment (decision 0811): `enrollClient` at the page's own origin, the provider's browser
 *   listener, with the one-time code from the URL. The page generates its MLS signature key pair
 *   (the private key never leaves the page) and gets its certificate and the trust anchors.
 * - Authentication (decision 0810): every request is signed with that key (RFC 9421,
 *   `auth: "signature"`); no cookie, no TLS client certificate.
 * - Persistence (decision 0812): the client's snapshot in this origin's IndexedDB, saved whenever
 *   its state changes (`onStateChange`, before each request and after each inbox item); a reload
 *   restores it and the inbox resumes after the last item handled.
 */
import {
  ClientCore,
  type ClientStateStore,
  enrollClient,
  MimiClient,
  openIndexedDbStore,
} from "@mimi/client";
import { createTrustStore, type TrustAnchor, trustAnchor } from "@mimi/identity";
import { loadCiphersuite } from "@mimi/mls-profile";
import { toHex } from "@mimi/wire";

/** A signed-in client of the page's user. */
export interface Session {
  readonly client: MimiClient;
  readonly userUri: string;
  readonly clientUri: string;
  /** The provider's domain (the page's). */
  readonly domain: string;
}

/** The IndexedDB database of this origin's client snapshot. */
const STORE = "mimi-client";
/** Where the trust anchors (public CA certificates) the client was enrolled with are kept. */
const ANCHORS = "mimi-trust-anchors";

/** A device name for this page: letters and digits only (a client URI segment). */
function deviceName(): string {
  return `web${toHex(crypto.getRandomValues(new Uint8Array(4)))}`;
}

/** The enrollment code of the page's URL (`#code=…`), if any. */
export function codeFromLocation(hash: string): string | undefined {
  const code = new URLSearchParams(hash.replace(/^#/, "")).get("code");
  return code === null || code === "" ? undefined : code;
}

function domainOf(userUri: string): string {
  return new URL(userUri.replace(/^mimi:/, "https:")).hostname;
}

/** The saved anchors as a trust store: those that name their provider domain (as enrollment did). */
function trustOf(pems: readonly string[]) {
  const anchors: TrustAnchor[] = [];
  for (const pem of pems) {
    try {
      anchors.push(trustAnchor(pem));
    } catch {
      // a CA naming no provider domain cannot anchor MIMI credentials here
    }
  }
  return createTrustStore(anchors);
}

function connect(core: ClientCore, origin: string, store: ClientStateStore): Session {
  const client = new MimiClient({
    core,
    url: origin,
    auth: "signature",
    onStateChange: async () => store.save(await core.snapshot()),
  });
  client.startInbox();
  return { client, userUri: core.userUri, clientUri: core.clientUri, domain: domainOf(core.userUri) };
}

/**
 * The client this page saved before (after a reload), or undefined when there is none.
 *
 * @throws CodecError / ValidationError when the saved snapshot is damaged (CLIENT-STATE-01/02/03).
 */
export async function resume(origin: string): Promise<Session | undefined> {
  const anchors = localStorage.getItem(ANCHORS);
  if (anchors === null) return undefined;
  const store = await openIndexedDbStore(STORE);
  const saved = await store.load();
  if (saved === undefined) {
    store.close();
    return undefined;
  }
  const cs = await loadCiphersuite();
  const core = await ClientCore.restore(saved, { trust: trustOf(JSON.parse(anchors) as string[]), cs });
  return connect(core, origin, store);
}

/**
 * Sign in with an enrollment code: enroll, build the client, save it, upload KeyPackages so that
 * others can add this user, and open the inbox.
 *
 * @throws ProtocolError when the provider refuses the code (with its reason).
 */
export async function signIn(origin: string, code: string): Promise<Session> {
  const cs = await loadCiphersuite();
  const identity = await enrollClient({ url: origin, code, device: deviceName(), cs });
  const core = new ClientCore({ identity, trust: identity.trust, cs });
  const store = await openIndexedDbStore(STORE);
  await store.save(await core.snapshot());
  localStorage.setItem(ANCHORS, JSON.stringify(identity.trustAnchors));
  const session = connect(core, origin, store);
  await session.client.uploadKeyPackages(4);
  return session;
}
