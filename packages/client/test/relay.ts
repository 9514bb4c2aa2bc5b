/**
 * Test set-up of the SDK core without a server: three providers' development PKIs, hub external
 * senders, and a relay that carries the bodies the clients produce the way a hub would (accept,
 * fan out to every client), so that the core's bodies and inbox handling are exercised for real.
 */
import {
  createProviderPki,
  createTrustStore,
  decodePem,
  issueProviderCertificate,
  type ProviderPki,
  spkiFromMlsSignatureKey,
  type TrustStore,
  trustAnchor,
} from "@mimi/identity";
import {
  type ExternalSender,
  generateSignatureKeyPair,
  type MlsCiphersuite,
  type SignatureKeyPair,
} from "@mimi/mls-profile";
import type { ClientCore, ClientEvent, InboxItem } from "../src/index.js";
import { HubStandIn } from "./hub-stand-in.js";

/** A provider of the test: its PKI and its hub's MLS signing key and ExternalSender. */
export interface TestProvider {
  readonly domain: string;
  readonly pki: ProviderPki;
  readonly hubKey: SignatureKeyPair;
  readonly hub: ExternalSender;
}

/** Create providers with PKIs and hub senders, and a trust store over all of them. */
export async function testProviders(
  cs: MlsCiphersuite,
  domains: readonly string[],
): Promise<{ providers: Map<string, TestProvider>; trust: TrustStore }> {
  const providers = new Map<string, TestProvider>();
  for (const domain of domains) {
    const pki = await createProviderPki(domain, { algorithm: "Ed25519" });
    const hubKey = await generateSignatureKeyPair(cs);
    const cert = await issueProviderCertificate(pki.ca, {
      publicKey: spkiFromMlsSignatureKey(hubKey.publicKey),
    });
    const hub: ExternalSender = {
      signaturePublicKey: hubKey.publicKey,
      credential: { credentialType: "x509", certificates: [decodePem(cert.certificatePem, "CERTIFICATE")] },
    };
    providers.set(domain, { domain, pki, hubKey, hub });
  }
  const trust = createTrustStore([...providers.values()].map((p) => trustAnchor(p.pki.ca.certificatePem)));
  return { providers, trust };
}

/**
 * Drives a {@link HubStandIn} synchronously: the requesting client gets the answer first, then
 * every client (each decides whether an item concerns it, as a real inbox would) gets the items.
 */
export class Relay {
  readonly events: Map<ClientCore, ClientEvent[]> = new Map();
  readonly hub: HubStandIn;

  constructor(
    cs: MlsCiphersuite,
    readonly roomUri: string,
    provider: TestProvider,
    readonly clients: ClientCore[],
  ) {
    this.hub = new HubStandIn(cs, roomUri, provider.hubKey, provider.hub);
    for (const c of clients) this.events.set(c, []);
  }

  add(client: ClientCore): void {
    this.clients.push(client);
    this.events.set(client, []);
  }

  async upload(client: ClientCore, count: number): Promise<void> {
    this.hub.upload(client, await client.generateKeyPackages(count));
  }

  keyMaterial(body: Uint8Array): Uint8Array {
    return this.hub.keyMaterial(body);
  }

  private async deliver(items: readonly InboxItem[]): Promise<void> {
    for (const item of items)
      for (const c of this.clients) this.events.get(c)!.push(...(await c.receive(item)));
  }

  /** Accept an UpdateRequest: the client applies the answer, then everyone gets the fanout. */
  async update(client: ClientCore, body: Uint8Array): Promise<void> {
    const a = this.hub.update(body);
    await client.handleUpdateResponse(this.roomUri, a.response);
    await this.deliver(a.items);
  }

  /** Send a message: accept it, answer the sender, fan it out. */
  async send(client: ClientCore, out: { body: Uint8Array; handle: string }): Promise<void> {
    const a = this.hub.submit(out.body);
    await client.handleSubmitResponse(this.roomUri, out.handle, a.response);
    await this.deliver(a.items);
  }
}
