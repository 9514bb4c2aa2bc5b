/**
 * End to end without TLS client certificates (decisions 0810, 0811): a provider with its browser
 * listener (plain HTTP on loopback), two users enrolled by one-time codes, and MimiClients that
 * sign every request with their MLS credential's key: a room created, a member added, a message
 * sent and read from the inbox stream.
 */

import { ClientCore, enrollClient, MimiClient } from "@mimi/client";
import { buildOriginal } from "@mimi/content";
import { createProviderPki, type ProviderPki } from "@mimi/identity";
import { loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { type RunningProvider, startProvider } from "@mimi/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOM = "mimi://a.example/r/web";
let cs: MlsCiphersuite;
let pki: ProviderPki;
let provider: RunningProvider;
const clients: MimiClient[] = [];

beforeAll(async () => {
  cs = await loadCiphersuite();
  pki = await createProviderPki("a.example");
  provider = await startProvider({
    domain: "a.example",
    tls: { key: pki.server.privateKeyPem, cert: pki.server.certificatePem, ca: [pki.ca.certificatePem] },
    clientApi: {
      port: 0,
      ca: pki.ca.certificatePem,
      web: { port: 0 },
      enrollment: { issuer: pki.ca },
    },
    // every user consents to every other (key material, decision 0624): consent is not under test
    hub: { consent: async () => true },
    log: () => {},
  });
});

afterAll(async () => {
  for (const c of clients) c.stop();
  await provider?.stop(500);
});

describe("a provider's browser listener, end to end with enrolled, signing clients", () => {
  it("[PROTO-CAPI-14][PROTO-CAPI-21] enroll two users by code, create a room, add, send and receive over signatures only", async () => {
    const url = `http://127.0.0.1:${provider.clientApiWebPort}`;
    const client = async (user: string): Promise<MimiClient> => {
      const { code } = await provider.clientApi!.addEnrollmentCode(`mimi://a.example/u/${user}`);
      const identity = await enrollClient({ url, code, device: "browser", cs });
      expect(identity.clientUri).toBe(`mimi://a.example/d/${user}/browser`);
      expect(identity.tls).toBeUndefined();
      const c = new MimiClient({
        core: new ClientCore({ identity, trust: identity.trust, cs }),
        url,
        auth: "signature",
      });
      clients.push(c);
      c.startInbox();
      return c;
    };
    const alice = await client("alice");
    const bob = await client("bob");
    await bob.uploadKeyPackages(2);
    await alice.createRoom(ROOM);
    await alice.addUser(ROOM, "mimi://a.example/u/bob");
    await bob.waitFor((e) => e.kind === "joined" && e.roomUri === ROOM, 30_000, "Bob's Welcome");
    const out = await alice.send(
      ROOM,
      buildOriginal({ senderUri: "mimi://a.example/u/alice", roomUri: ROOM, text: "hello from a page" }),
    );
    const got = await bob.waitFor(
      (e) => e.kind === "message" && e.message.messageId === out.messageId,
      30_000,
      "Alice's message",
    );
    if (got.kind !== "message") throw new Error("expected a message");
    expect(got.message.senderClient).toBe("mimi://a.example/d/alice/browser");
  });
});
