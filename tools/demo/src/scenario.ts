/**
 * The demo scenario: the call flows of draft-ietf-mimi-protocol-06 §3 with real clients on a
 * running federation (hub `a.example`, followers `b.example`, `c.example`), and every MIMI
 * content feature of draft-ietf-mimi-content-08 §5 the issue names. Each step is timed; at the end
 * every client's conversation is compared with what it must show.
 */
import { type ClientCore, type ClientEvent, type OutgoingMessage, renderConversation } from "@mimi/client";
import {
  type AttachmentInfo,
  buildAttachment,
  buildDelete,
  buildEdit,
  buildExpiring,
  buildOriginal,
  buildReaction,
  buildReply,
  type ExternalPart,
  GFM_MIMI,
  type MimiContent,
  singlePart,
} from "@mimi/content";
import { fromHex, utf8 } from "@mimi/wire";
import { DEMO_HANDLES } from "./directory.js";

/** What the scenario needs from a client (`MimiClient` of `@mimi/client`). */
export interface ScenarioClient {
  readonly core: ClientCore;
  startInbox(): void;
  stop(): void;
  uploadKeyPackages(count: number): Promise<void>;
  createRoom(roomUri: string): Promise<void>;
  addUser(roomUri: string, user: string): Promise<unknown>;
  /**
   * Add several users in one commit (their key material fetched `concurrency` at a time); needed
   * by the big-room mode only, as are `removeUser` and `timings`.
   */
  addUsers?(
    roomUri: string,
    users: readonly string[],
    options?: { readonly concurrency?: number },
  ): Promise<unknown>;
  removeUser?(roomUri: string, user: string): Promise<unknown>;
  /** Every client API request's latency and body size, in order. */
  readonly timings?: readonly { readonly what: string; readonly ms: number; readonly bytes?: number }[];
  send(roomUri: string, content: MimiContent): Promise<OutgoingMessage>;
  leave(roomUri: string): Promise<void>;
  commitPending(roomUri: string): Promise<unknown>;
  joinExternal(roomUri: string): Promise<unknown>;
  uploadAttachment(plaintext: Uint8Array, info: Omit<AttachmentInfo, "url">): Promise<ExternalPart>;
  /**
   * Download and decrypt an attachment: through the provider's client API and the `/proxyDownload`
   * of the hub `hub` (protocol-06 §5.10.2; without it, of the blob's provider), or with `oblivious`
   * through the provider's OHTTP relay and the hub's gateway (§5.10.3).
   */
  downloadAttachment(
    part: ExternalPart,
    options?: { readonly oblivious?: { readonly hub: string }; readonly hub?: string },
  ): Promise<Uint8Array>;
  waitFor(pred: (e: ClientEvent) => boolean, timeoutMs?: number, what?: string): Promise<ClientEvent>;
  /** Call `listener` for every event from now on, in order. */
  onEvent(listener: (e: ClientEvent) => void): void;
}

/** What the scenario needs from a federation. */
export interface ScenarioFederation {
  client(domain: string, user: string, device: string): Promise<ScenarioClient>;
  /** `granter` consents to key material requests from... see `Federation.grantConsent`. */
  grantConsent(granter: string, requester: string): Promise<void>;
  /**
   * Wait until no request is in flight between the providers (a recorded run calls it after each
   * step and before a commit that follows other clients' proposals, so that every step's requests
   * are the same on every run). Not needed for a live run.
   */
  settle?(): Promise<void>;
  /**
   * The user URIs the providers other than `fromDomain` vouch for under `handle`, asked by
   * `fromDomain` (protocol-06 §5.8 identifier queries; `@mimi/discovery`).
   */
  lookUp(fromDomain: string, handle: string): Promise<readonly string[]>;
  /** {@link ScenarioFederation.grantConsent} for many requesters (a big room, decision 0684). */
  grantConsents?(granter: string, requesters: readonly string[]): Promise<void>;
  /**
   * Register simulated members on `domain`: users with one device, a real credential and one
   * KeyPackage uploaded through the provider's client API, and no client running (a big room).
   */
  simulate?(domain: string, names: readonly string[]): Promise<readonly SimulatedMember[]>;
  /** A client of a simulated member, to read what its provider kept for it. */
  simulatedClient?(member: SimulatedMember): ScenarioClient;
}

/** A simulated member of a big room: registered with a KeyPackage, no client running. */
export interface SimulatedMember {
  readonly domain: string;
  readonly userUri: string;
}

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  /** Total users in the room (at least 3: Alice, Bob, Cathy; more are spread over the providers). */
  readonly members?: number;
  /** One progress line per step. */
  readonly progress?: (line: string) => void;
  /** Per-event timeout (ms). */
  readonly timeoutMs?: number;
  /**
   * The big-room mode (decision 0684): only this many members (at least 3, Alice, Bob and Cathy
   * among them) are real MLS clients; the others are simulated members
   * ({@link ScenarioFederation.simulate}), added `batch` users per commit.
   */
  readonly real?: number;
  /** Users per Add commit in the big-room mode (default 500). */
  readonly batch?: number;
  /**
   * In the big-room mode, how many simulated members (one per provider in turn) open their inbox
   * at the end and must join from the Welcome their provider kept and reach the room's epoch with
   * the expected conversation (default 3).
   */
  readonly checkSimulated?: number;
  /**
   * The CPU time (ms, every thread) of the process running the clients, read when each step
   * starts and ends: each step then reports `cpuMs`. At 100 members a message step is mostly the
   * 99 receivers' processing, one after the other in this process; this tells it apart from the
   * providers' share and the network. Left out where there is no such clock (the browser).
   */
  readonly cpuTime?: () => number;
}

/** What the big-room mode did (decision 0684). */
export interface BigRoomReport {
  readonly members: number;
  readonly real: number;
  readonly simulated: number;
  /** Users per Add commit. */
  readonly batch: number;
  /** Each Add commit of simulated users: users added and the time until every real member had it. */
  readonly commits: readonly { readonly users: number; readonly ms: number }[];
  /** The largest UpdateRequest a member sent (commit, Welcome, GroupInfo and ratchet tree), bytes. */
  readonly largestUpdateBytes: number;
  /** Simulated members that opened their inbox at the end. */
  readonly simulatedChecked: number;
}

/** One timed step. */
export interface StepResult {
  readonly name: string;
  readonly ms: number;
  /** Messages sent and deliveries seen during the step. */
  readonly sent: number;
  readonly delivered: number;
  /** The clients' process's CPU time during the step (ms), when {@link ScenarioOptions.cpuTime} was given. */
  readonly cpuMs?: number;
}

/** What one client shows at the end. */
export interface ClientTranscript {
  readonly client: string;
  readonly active: boolean;
  readonly epoch: string;
  readonly participants: readonly string[];
  readonly lines: readonly string[];
  readonly expected: readonly string[];
  readonly ok: boolean;
}

/** The scenario's outcome. */
export interface ScenarioReport {
  readonly room: string;
  readonly steps: readonly StepResult[];
  readonly sent: number;
  /** Deliveries expected (one per message and receiving active member) and seen. */
  readonly expectedDeliveries: number;
  readonly delivered: number;
  readonly transcripts: readonly ClientTranscript[];
  readonly ok: boolean;
  /** The big-room mode's figures, when it ran. */
  readonly bigRoom?: BigRoomReport;
}

const ROOM = "mimi://a.example/r/clubhouse";
const DOMAINS = ["a.example", "b.example", "c.example"] as const;

/**
 * Run the scenario. Never throws for a failed expectation: the report says what differs.
 *
 * @throws whatever a client API call throws (a provider refused or is down).
 */
export async function runScenario(
  fed: ScenarioFederation,
  options: ScenarioOptions = {},
): Promise<ScenarioReport> {
  const progress = options.progress ?? (() => undefined);
  const timeout = options.timeoutMs ?? 30_000;
  const steps: StepResult[] = [];
  let sent = 0;
  let expectedDeliveries = 0;
  let delivered = 0;
  const clients: ScenarioClient[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const c0 = options.cpuTime?.();
    const t0 = performance.now();
    const [s0, d0] = [sent, delivered];
    const r = await fn();
    await fed.settle?.();
    const ms = performance.now() - t0;
    const c1 = options.cpuTime?.();
    steps.push({
      name,
      ms,
      sent: sent - s0,
      delivered: delivered - d0,
      ...(c0 === undefined || c1 === undefined ? {} : { cpuMs: c1 - c0 }),
    });
    progress(`✓ ${name} (${ms.toFixed(0)} ms)`);
    return r;
  };
  const joined = (c: ScenarioClient) =>
    c.waitFor((e) => e.kind === "joined" && e.roomUri === ROOM, timeout, "Welcome for the room");
  const atEpoch = (c: ScenarioClient, epoch: bigint) =>
    c.waitFor(
      (e) => (e.kind === "commit" || e.kind === "joined") && e.roomUri === ROOM && e.epoch >= epoch,
      timeout,
      `epoch ${epoch}`,
    );
  /**
   * Every member has processed the commit of `epoch`: a commit step ends only then, so that the
   * next message step is not billed for members still processing the commit (with every client in
   * one process, at 100 members the phone's join otherwise ran into the phone's message step).
   */
  const everyMemberAt = (epoch: bigint, except?: ScenarioClient) =>
    Promise.all(
      clients
        .filter((c) => c !== except && c.core.isMember(ROOM) && c.core.epoch(ROOM) < epoch)
        .map((c) => atEpoch(c, epoch)),
    );
  // Each client's received message IDs, kept by one listener per client, so that waiting for a
  // message is a lookup rather than a scan of every event the client has seen (issue 20).
  const received = new Map<ScenarioClient, Set<string>>();
  const arrivals = new Map<ScenarioClient, Map<string, () => void>>();
  const arrived = (c: ScenarioClient, messageId: string): Promise<void> => {
    if (received.get(c)!.has(messageId)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        arrivals.get(c)!.delete(messageId);
        reject(new Error(`${c.core.clientUri}: no message ${messageId.slice(0, 8)} within ${timeout} ms`));
      }, timeout);
      arrivals.get(c)!.set(messageId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
  const send = async (from: ScenarioClient, content: MimiContent) => {
    const out = await from.send(ROOM, content);
    sent++;
    const receivers = clients.filter((c) => c !== from && c.core.isMember(ROOM));
    expectedDeliveries += receivers.length;
    await Promise.all(
      receivers.map(async (c) => {
        await arrived(c, out.messageId);
        delivered++;
      }),
    );
    return out;
  };
  const start = async (c: ScenarioClient): Promise<ScenarioClient> => {
    clients.push(c);
    const ids = new Set<string>();
    const waiting = new Map<string, () => void>();
    received.set(c, ids);
    arrivals.set(c, waiting);
    c.onEvent((e: ClientEvent) => {
      if (e.kind !== "message") return;
      ids.add(e.message.messageId);
      const w = waiting.get(e.message.messageId);
      if (w === undefined) return;
      waiting.delete(e.message.messageId);
      w();
    });
    c.startInbox();
    return c;
  };

  const [alice, bob, cathy] = await step(
    "provision Alice (a), Bob (b), Cathy (c) and upload KeyPackages",
    async () => {
      const a = await start(await fed.client("a.example", "alice", "laptop"));
      const b = await start(await fed.client("b.example", "bob", "laptop"));
      const c = await start(await fed.client("c.example", "cathy", "laptop"));
      await Promise.all([a.uploadKeyPackages(2), b.uploadKeyPackages(2), c.uploadKeyPackages(2)]);
      return [a, b, c] as const;
    },
  );
  const u = (c: ScenarioClient) => c.core.userUri;

  await step("Alice creates mimi://a.example/r/clubhouse on her provider (the hub)", () =>
    alice.createRoom(ROOM),
  );
  /** Find a user by handle and check it is the expected one. */
  const lookUp = async (from: ScenarioClient, handle: string, expected: ScenarioClient): Promise<string> => {
    const found = await fed.lookUp(from.core.userUri.slice("mimi://".length).split("/")[0]!, handle);
    if (found.length !== 1 || found[0] !== u(expected))
      throw new Error(`looking up ${handle} found ${found.length === 0 ? "nothing" : found.join(", ")}`);
    return found[0];
  };
  const bobUri = await step(
    `Alice finds Bob by his phone number ${DEMO_HANDLES.bob} (identifier query to b.example and c.example)`,
    () => lookUp(alice, DEMO_HANDLES.bob, bob),
  );
  await step(
    "consent (protocol-06 §5.7): Bob and Cathy asked to talk to Alice and Bob, who granted it",
    async () => {
      await fed.grantConsent(u(alice), u(bob));
      await fed.grantConsent(u(bob), u(cathy));
    },
  );
  await step("Alice fetches Bob's key material from b.example and adds him", async () => {
    await alice.addUser(ROOM, bobUri);
    await joined(bob);
  });
  const cathyUri = await step(
    `Bob finds Cathy by her address ${DEMO_HANDLES.cathy} (identifier query to a.example and c.example)`,
    () => lookUp(bob, DEMO_HANDLES.cathy, cathy),
  );
  await step("Bob adds Cathy through the hub (key material from c.example)", async () => {
    await bob.addUser(ROOM, cathyUri);
    await Promise.all([joined(cathy), atEpoch(alice, 2n)]);
  });
  const extra: ScenarioClient[] = [];
  const members = Math.max(3, options.members ?? 3);
  let big: BigRoomState | undefined;
  if (options.real !== undefined) {
    big = await fillBigRoom(fed, {
      members,
      real: options.real,
      batch: options.batch ?? 500,
      checkSimulated: options.checkSimulated ?? 3,
      alice,
      bob,
      extra,
      start,
      step,
      atEpoch,
      joined,
      clients,
      progress,
    });
  } else if (members > 3) {
    await step(`add ${members - 3} more users spread over the three providers`, async () => {
      let lastAdder = alice;
      for (let i = 0; i < members - 3; i++) {
        const domain = DOMAINS[i % 3]!;
        const c = await start(await fed.client(domain, `user${i + 1}`, "laptop"));
        await c.uploadKeyPackages(1);
        extra.push(c);
        // consent is recorded between providers, so a user is added by a member of another domain
        const adder = domain === "a.example" ? bob : alice;
        await fed.grantConsent(u(adder), u(c));
        await adder.addUser(ROOM, u(c));
        lastAdder = adder;
        await joined(c);
      }
      // the last adder's commit took effect when the hub accepted it: its epoch is the room's
      const epoch = lastAdder.core.epoch(ROOM);
      await Promise.all([alice, bob, cathy, ...extra].map((c) => atEpoch(c, epoch)));
    });
  }
  const hello = await step("Alice sends a markdown message", () =>
    send(alice, buildOriginal({ senderUri: u(alice), roomUri: ROOM, text: "Welcome to the **clubhouse**!" })),
  );
  await step("Bob replies", () =>
    send(
      bob,
      buildReply({
        senderUri: u(bob),
        roomUri: ROOM,
        inReplyTo: fromHex(hello.messageId),
        text: "Thanks _Alice_!",
      }),
    ),
  );
  await step("Cathy and Bob react", async () => {
    await send(
      cathy,
      buildReaction({
        senderUri: u(cathy),
        roomUri: ROOM,
        inReplyTo: fromHex(hello.messageId),
        reaction: "👍",
      }),
    );
    await send(
      bob,
      buildReaction({
        senderUri: u(bob),
        roomUri: ROOM,
        inReplyTo: fromHex(hello.messageId),
        reaction: "🎉",
      }),
    );
  });
  await step("Alice edits her message", () =>
    send(
      alice,
      buildEdit(
        { content: hello.content, messageId: fromHex(hello.messageId) },
        singlePart(GFM_MIMI, "Welcome to the **MIMI clubhouse**!"),
      ),
    ),
  );
  await step("Cathy sends a message and deletes it", async () => {
    const oops = await send(
      cathy,
      buildOriginal({ senderUri: u(cathy), roomUri: ROOM, text: "wrong room, sorry" }),
    );
    await send(cathy, buildDelete({ content: oops.content, messageId: fromHex(oops.messageId) }));
  });
  await step("Bob sends an expiring message", () =>
    send(
      bob,
      buildExpiring({
        senderUri: u(bob),
        roomUri: ROOM,
        text: "this message expires in an hour",
        expires: { relative: false, time: Math.floor(Date.now() / 1000) + 3600 },
      }),
    ),
  );
  const file = utf8("MIMI demo attachment: minutes of the clubhouse meeting.\n");
  await step(
    "Alice sends an encrypted attachment; Cathy downloads it via proxyDownload, Bob via OHTTP",
    async () => {
      const part = await alice.uploadAttachment(file, {
        contentType: "text/plain;charset=utf-8",
        filename: "minutes.txt",
      });
      const out = await send(alice, buildAttachment({ senderUri: u(alice), roomUri: ROOM, part }));
      const got = cathy.core.message(ROOM, out.messageId);
      if (got === undefined || got.content.nestedPart.cardinality !== 2)
        throw new Error("Cathy has no attachment");
      const plain = await cathy.downloadAttachment(got.content.nestedPart, { hub: "a.example" });
      if (Buffer.compare(Buffer.from(plain), Buffer.from(file)) !== 0) throw new Error("attachment differs");
      const atBob = bob.core.message(ROOM, out.messageId);
      if (atBob === undefined || atBob.content.nestedPart.cardinality !== 2)
        throw new Error("Bob has no attachment");
      const viaOhttp = await bob.downloadAttachment(atBob.content.nestedPart, {
        oblivious: { hub: "a.example" },
      });
      if (Buffer.compare(Buffer.from(viaOhttp), Buffer.from(file)) !== 0)
        throw new Error("attachment downloaded through OHTTP differs");
    },
  );
  if (big !== undefined && big.removable !== undefined) {
    const gone = big.removable;
    await step(`Alice removes ${gone.userUri} (a commit at full size)`, async () => {
      const epoch = alice.core.epoch(ROOM);
      await bigRoomClient(alice).removeUser(ROOM, gone.userUri);
      await everyMemberAt(epoch + 1n);
    });
  }
  const shared = [
    "a.example/u/alice: Welcome to the **MIMI clubhouse**! (edited) [👍 1, 🎉 1]",
    "b.example/u/bob: Thanks _Alice_! (reply)",
    "c.example/u/cathy: (deleted)",
    "b.example/u/bob: this message expires in an hour (expiring)",
    "a.example/u/alice: [attachment minutes.txt, text/plain;charset=utf-8]",
  ];
  await step("Cathy leaves; Alice commits her removal", async () => {
    await cathy.leave(ROOM);
    await alice.waitFor(
      (e) => e.kind === "proposal" && e.roomUri === ROOM,
      timeout,
      "Cathy's leave proposals",
    );
    await fed.settle?.();
    const epoch = alice.core.epoch(ROOM);
    await alice.commitPending(ROOM);
    await Promise.all([
      cathy.waitFor((e) => e.kind === "commit" && e.removedSelf, timeout, "her removal"),
      everyMemberAt(epoch + 1n, cathy),
    ]);
  });
  const phone = await step("Bob's new phone joins by external commit (groupInfo via the hub)", async () => {
    const p = await start(await fed.client("b.example", "bob", "phone"));
    const epoch = alice.core.epoch(ROOM);
    await p.joinExternal(ROOM);
    await everyMemberAt(epoch + 1n);
    return p;
  });
  const fromPhone = await step("Bob writes from his phone", () =>
    send(phone, buildOriginal({ senderUri: u(bob), roomUri: ROOM, text: "Hello from my phone 📱" })),
  );
  const after = [...shared, "b.example/u/bob: Hello from my phone 📱"];
  const checked: ScenarioClient[] = [];
  if (big !== undefined && big.check.length > 0) {
    const check = big.check;
    await step(
      `${check.length} simulated member${check.length === 1 ? "" : "s"} open their inbox: the Welcome their provider kept, then every later commit and message`,
      async () => {
        const epoch = alice.core.epoch(ROOM);
        for (const m of check) {
          const c = await start(fed.simulatedClient!(m));
          checked.push(c);
          await joined(c);
          await atEpoch(c, epoch);
          // the last message came after the last commit: with it, the member has everything
          await arrived(c, fromPhone.messageId);
        }
      },
    );
  }
  const expected = new Map<ScenarioClient, string[]>([
    [alice, after],
    [bob, after],
    [cathy, shared],
    [phone, ["b.example/u/bob: Hello from my phone 📱"]],
    ...extra.map((c) => [c, after] as [ScenarioClient, string[]]),
    ...checked.map((c) => [c, after] as [ScenarioClient, string[]]),
  ]);
  const transcripts: ClientTranscript[] = clients.map((c) => {
    const active = c.core.isMember(ROOM);
    const lines = renderConversation(c.core.conversation(ROOM));
    const want = expected.get(c) ?? [];
    return {
      client: c.core.clientUri,
      active,
      epoch: c.core.epoch(ROOM).toString(),
      participants: c.core.participants(ROOM).map((p) => `${p.user} (role ${p.role})`),
      lines,
      expected: want,
      ok: JSON.stringify(lines) === JSON.stringify(want) && active === (c !== cathy),
    };
  });
  for (const c of clients) c.stop();
  return {
    room: ROOM,
    steps,
    sent,
    expectedDeliveries,
    delivered,
    transcripts,
    ok:
      transcripts.every((t) => t.ok) &&
      delivered === expectedDeliveries &&
      (big === undefined || checked.length === big.check.length),
    ...(big === undefined
      ? {}
      : {
          bigRoom: {
            ...big.report,
            largestUpdateBytes: Math.max(
              0,
              ...clients.flatMap((c) =>
                (c.timings ?? []).filter((t) => t.what.includes("/update/")).map((t) => t.bytes ?? 0),
              ),
            ),
            simulatedChecked: checked.length,
          },
        }),
  };
}

/** What {@link fillBigRoom} leaves for the rest of the scenario. */
interface BigRoomState {
  readonly report: Omit<BigRoomReport, "largestUpdateBytes" | "simulatedChecked">;
  /** A simulated member to remove in a commit at full size. */
  readonly removable: SimulatedMember | undefined;
  /** Simulated members that open their inbox at the end. */
  readonly check: readonly SimulatedMember[];
}

interface FillContext {
  readonly members: number;
  readonly real: number;
  readonly batch: number;
  readonly checkSimulated: number;
  readonly alice: ScenarioClient;
  readonly bob: ScenarioClient;
  /** The real members beyond Alice, Bob and Cathy: filled here. */
  readonly extra: ScenarioClient[];
  readonly clients: readonly ScenarioClient[];
  start(c: ScenarioClient): Promise<ScenarioClient>;
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  atEpoch(c: ScenarioClient, epoch: bigint): Promise<unknown>;
  joined(c: ScenarioClient): Promise<unknown>;
  progress(line: string): void;
}

/** Users per KeyMaterialRequest in flight while a batch is fetched. */
const KEY_MATERIAL_CONCURRENCY = 16;

/**
 * The big-room mode (decision 0684): add `real − 3` more real clients, then register the
 * simulated members and add them `batch` users per commit. Consent is recorded between providers,
 * so users of a.example are added by Bob (b.example) and the others by Alice; every commit goes
 * through the hub and every real member processes it before the next one is made.
 */
async function fillBigRoom(fed: ScenarioFederation, x: FillContext): Promise<BigRoomState> {
  const { simulate, simulatedClient } = fed;
  const grantConsents = fed.grantConsents?.bind(fed);
  if (simulate === undefined || simulatedClient === undefined || grantConsents === undefined)
    throw new Error(
      "this federation cannot simulate members (the big-room mode needs the demo's federation)",
    );
  const real = Math.min(x.members, Math.max(3, x.real));
  const simulatedCount = x.members - real;
  const batch = Math.max(1, x.batch);
  const u = (c: ScenarioClient) => c.core.userUri;
  const adderOf = (domain: string) => (domain === "a.example" ? x.bob : x.alice);
  const realMembers = () => x.clients.filter((c) => c.core.isMember(ROOM));
  /** One Add commit of `users` (all of `domain`) by the adder of that domain; every real member has it after. */
  const addBatch = async (domain: string, users: readonly string[]): Promise<string> => {
    const adder = adderOf(domain);
    const t0 = performance.now();
    const before = adder.timings?.length ?? 0;
    await bigRoomClient(adder).addUsers(ROOM, users, { concurrency: KEY_MATERIAL_CONCURRENCY });
    const committed = performance.now();
    const epoch = adder.core.epoch(ROOM);
    await Promise.all(realMembers().map((c) => x.atEpoch(c, epoch)));
    // where the time went: the key material requests, the hub's answer to the commit, the rest
    const requests = (adder.timings ?? []).slice(before);
    const update = requests.find((t) => t.what.includes("/update/"));
    const km = requests.filter((t) => t.what.includes("/keyMaterial/")).length;
    return [
      `${km} key material answers`,
      `commit made and accepted by the hub ${(committed - t0).toFixed(0)} ms (the hub's answer ${update?.ms.toFixed(0) ?? "?"} ms, ${update?.bytes ?? 0} bytes sent)`,
      `every real member at the epoch ${(performance.now() - committed).toFixed(0)} ms later`,
    ].join("; ");
  };
  /** Users of each domain in chunks of `batch`, the domains taken in turn. */
  const chunks = (users: readonly { domain: string; userUri: string }[]) => {
    const byDomain = DOMAINS.map((d) => users.filter((m) => m.domain === d).map((m) => m.userUri));
    const out: { domain: string; users: string[] }[] = [];
    for (let at = 0; byDomain.some((l) => at < l.length); at += batch)
      byDomain.forEach((l, i) => {
        if (at < l.length) out.push({ domain: DOMAINS[i]!, users: l.slice(at, at + batch) });
      });
    return out;
  };

  if (real > 3) {
    await x.step(
      `add ${real - 3} more real users (real MLS clients) in commits of up to ${batch}`,
      async () => {
        const fresh: ScenarioClient[] = [];
        for (let i = 0; i < real - 3; i++) {
          const domain = DOMAINS[i % 3]!;
          const c = await x.start(await fed.client(domain, `user${i + 1}`, "laptop"));
          await c.uploadKeyPackages(1);
          fresh.push(c);
        }
        for (const d of DOMAINS) {
          const users = fresh.filter((c) => c.core.userUri.startsWith(`mimi://${d}/`)).map(u);
          if (users.length > 0) await grantConsents(u(adderOf(d)), users);
        }
        for (const chunk of chunks(fresh.map((c) => ({ domain: domainOf(u(c)), userUri: u(c) })))) {
          const adder = adderOf(chunk.domain);
          await bigRoomClient(adder).addUsers(ROOM, chunk.users, { concurrency: KEY_MATERIAL_CONCURRENCY });
          const epoch = adder.core.epoch(ROOM);
          const joining = fresh.filter((c) => chunk.users.includes(u(c)));
          await Promise.all(joining.map((c) => x.joined(c)));
          await Promise.all(realMembers().map((c) => x.atEpoch(c, epoch)));
        }
        x.extra.push(...fresh);
      },
    );
  }
  if (simulatedCount === 0) return { report: report([]), removable: undefined, check: [] };

  const names = Array.from({ length: simulatedCount }, (_, i) => ({
    domain: DOMAINS[i % 3]!,
    name: `sim${i + 1}`,
  }));
  const simulated = await x.step(
    `register ${simulatedCount} simulated members (credential from their provider's CA, a KeyPackage uploaded)`,
    async () => {
      const per = await Promise.all(
        DOMAINS.map((d) =>
          simulate(
            d,
            names.filter((n) => n.domain === d).map((n) => n.name),
          ),
        ),
      );
      return per.flat();
    },
  );
  await x.step(
    `consent: the ${simulatedCount} simulated users granted Alice's or Bob's requests`,
    async () => {
      for (const d of DOMAINS) {
        const users = simulated.filter((m) => m.domain === d).map((m) => m.userUri);
        if (users.length > 0) await grantConsents(u(adderOf(d)), users);
      }
    },
  );
  const commits: { users: number; ms: number }[] = [];
  const plan = chunks(simulated);
  await x.step(
    `add the ${simulatedCount} simulated users in ${plan.length} commits of up to ${batch} (key material from their providers)`,
    async () => {
      for (const [i, chunk] of plan.entries()) {
        const t0 = performance.now();
        const detail = await addBatch(chunk.domain, chunk.users);
        const ms = performance.now() - t0;
        commits.push({ users: chunk.users.length, ms });
        x.progress(
          `  commit ${i + 1}/${plan.length}: ${chunk.users.length} users of ${chunk.domain} (${ms.toFixed(0)} ms; ${realMembers().length} real members at epoch ${x.alice.core.epoch(ROOM)}; ${detail})`,
        );
      }
    },
  );
  // The simulated members that read their inbox at the end: the last one added of each provider
  // (they join last, so their Welcome carries the biggest tree); the one removed is the first.
  const check: SimulatedMember[] = [];
  for (const d of DOMAINS) {
    const last = simulated.filter((m) => m.domain === d).at(-1);
    if (last !== undefined && last !== simulated[0]) check.push(last);
  }
  return {
    report: report(commits),
    removable: simulated[0],
    check: check.slice(0, Math.max(0, x.checkSimulated)),
  };

  function report(done: readonly { users: number; ms: number }[]): BigRoomState["report"] {
    return { members: x.members, real, simulated: simulatedCount, batch, commits: done };
  }
}

/** A client with what the big-room mode needs of it. */
function bigRoomClient(c: ScenarioClient): Required<Pick<ScenarioClient, "addUsers" | "removeUser">> {
  const { addUsers, removeUser } = c;
  if (addUsers === undefined || removeUser === undefined)
    throw new Error("the big-room mode needs clients that add several users in one commit");
  return { addUsers: addUsers.bind(c), removeUser: removeUser.bind(c) };
}

function domainOf(uri: string): string {
  return uri.slice("mimi://".length).split("/")[0]!;
}
