/**
 * `mimi conformance` against our own provider, in-process: every check passes; and against
 * deliberately faulty variants of it (faults injected by wrapping an endpoint handler or through
 * a provider option, never by a switch in production code), each of which fails exactly the
 * check that names its fault while every other check keeps its verdict.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDirectorySeed } from "@mimi/discovery";
import { createProviderPki, type ProviderPki } from "@mimi/identity";
import {
  commit,
  createKeyPackage,
  createRoom,
  encodeAppDataUpdate,
  encodeFrankingAgentData,
  encodeMlsMessage,
  exportGroupInfo,
  loadCiphersuite,
  mimiCapabilities,
  mimiProfile,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import {
  decodeMls,
  endpoints,
  type HandshakeBundle,
  type IdentifierResponse,
  type KeyMaterialRequest,
  mlsOf,
  signatureLabels,
  verifyKeyMaterialRequest,
} from "@mimi/protocol";
import {
  createJoinCode,
  type Endpoint,
  type EndpointResult,
  hubEndpoints,
  implementedEndpoints,
  type ProviderOptions,
  persistedDirectoryEndpoint,
  type RequestContext,
  type RunningProvider,
  startProvider,
  storeKeyPackages,
  userUriOfCredential,
} from "@mimi/provider";
import { cooperativeRoles, type RoleData, roleCapabilities } from "@mimi/room-policy";
import { utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CheckResult,
  type ConformanceReport,
  checks,
  conformant,
  junitReport,
  type RunnerConfig,
  runConformance,
  testUsersFromSeed,
  textReport,
} from "../src/index.js";

const TARGET = "t.example";
const RUNNER = "r.example";
const runnerUser = `mimi://${RUNNER}/u/conformance`;
const tess = `mimi://${TARGET}/u/tess`;
const seed = parseDirectorySeed({
  users: [
    {
      user: tess,
      handles: [
        { handle: "tel:+1-201-555-0142", discoverability: "anyone" },
        { handle: "mailto:tess@t.example", discoverability: "nobody" },
      ],
      reveal: [tess],
    },
  ],
});

const room = `mimi://${TARGET}/r/conformance`;

/** Cooperative roles where role 0 may join with a code (as an ordinary user) and ordinary users issue codes. */
const codeRoles: RoleData = {
  roles: cooperativeRoles.roles.map((r) =>
    r.role_index === 0
      ? {
          ...r,
          role_capabilities: [roleCapabilities.canUseJoinCode],
          authorized_role_changes: [{ from_role_index: 0, target_role_indexes: [2] }],
        }
      : r.role_index === 2
        ? { ...r, role_capabilities: [...r.role_capabilities, roleCapabilities.canCreateJoinCode] }
        : r,
  ),
};

/** How our hub words a refusal by room policy (PROTO-HUB-03). */
const POLICY_REFUSAL = /\[POLICY-[A-Z]+-[0-9]+\]/;

let targetPki: ProviderPki;
let runnerPki: ProviderPki;
let baseline: ConformanceReport;
const running: RunningProvider[] = [];
const proxies: Server[] = [];

/** How a faulty variant differs from our provider: options given to `startProvider`. */
type Variant = (self: () => RunningProvider) => Partial<ProviderOptions>;

/** An endpoint of the hub of `self` (made from the running hub, so it is the real handler). */
function hubEndpoint(self: () => RunningProvider, name: string): Endpoint {
  const hub = self().hub;
  if (hub === undefined) throw new Error("no hub");
  const e = hubEndpoints(hub).find((x) => x.name === name);
  if (e === undefined) throw new Error(`no hub endpoint ${name}`);
  return e;
}

/** Replace endpoint `name` by `handle`, which may call the original. */
function wrap(
  name: Endpoint["name"],
  original: () => Endpoint,
  handle: (ctx: RequestContext, next: () => Promise<EndpointResult>) => Promise<EndpointResult>,
): Endpoint {
  return { name, handle: (ctx) => handle(ctx, () => original().handle(ctx)) };
}

async function startTarget(variant: Variant = () => ({})): Promise<RunnerConfig> {
  let self: RunningProvider | undefined;
  const get = (): RunningProvider => {
    if (self === undefined) throw new Error("not started");
    return self;
  };
  const more = variant(get);
  const p = await startProvider({
    domain: TARGET,
    tls: {
      key: targetPki.server.privateKeyPem,
      cert: targetPki.server.certificatePem,
      ca: runnerPki.ca.certificatePem,
    },
    endpointsFor: async (db, domain) => [(await persistedDirectoryEndpoint(db, domain, seed)).endpoint],
    rateLimits: { peer: false },
    log: () => {},
    ...more,
    hub: {
      // the one cooperation the key material checks need: Tess consents to the runner's user
      consent: async (q) => q.requester === runnerUser && q.target === tess,
      // the room's roles let a joining code admit a user (role 0 → 2)
      defaultRoles: codeRoles,
      ...(more.hub === false ? {} : more.hub),
    },
  });
  self = p;
  running.push(p);
  // Tess's client has KeyPackages
  const cs = await loadCiphersuite();
  const client = `mimi://${TARGET}/d/tess/1`;
  const kps = [];
  for (let i = 0; i < 4; i++) {
    const kp = await createKeyPackage(cs, {
      credential: { credentialType: "basic", identity: utf8(client) },
      capabilities: mimiCapabilities(),
    });
    kps.push(
      encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: kp.publicPackage }),
    );
  }
  await storeKeyPackages(p.db, client, kps);
  // and a room with a joining code for the runner's client
  const hub = p.hub!;
  const profile = mimiProfile({
    cs,
    authService: unsafeAcceptAllCredentials,
    hub: await hub.externalSender(),
    userOf: (c) => utf8(userUriOfCredential(c) ?? "?"),
  });
  const creator = await createKeyPackage(cs, {
    credential: { credentialType: "basic", identity: utf8(client) },
    capabilities: mimiCapabilities(),
  });
  const state = await createRoom(profile, { roomUri: room, keyPackage: creator, creatorRole: 2 });
  await hub.createRoom(
    room,
    encodeMlsMessage(await exportGroupInfo(state, cs)),
    mlsOf("RatchetTree", state.ratchetTree).bytes,
    client,
  );
  // Tess makes the hub the room's franking agent (protocol-06 §5.4.1), committed through the
  // hub's own update handler as her provider's client API would
  const keys = await hub.keys();
  const agent = await commit(state, cs, {
    proposals: [
      {
        proposalType: profile.codePoints.proposalTypes.app_data_update,
        proposalData: encodeAppDataUpdate({
          component_id: profile.codePoints.componentIds.franking_agent,
          op: "update",
          update: encodeFrankingAgentData({
            franking_signature_key: keys.signaturePublicKey,
            credential: keys.credential,
          }),
        }),
      } as never,
    ],
    publicMessage: true,
  });
  const gi = await exportGroupInfo(agent.state, cs);
  if (gi.wireformat !== "mls_group_info") throw new Error("no GroupInfo");
  const bundle: HandshakeBundle = {
    proposalOrCommit: mlsOf("MLSMessage", agent.commit),
    groupInfoOption: { representation: "full", groupInfo: mlsOf("GroupInfo", gi.groupInfo) },
    ratchetTreeOption: {
      representation: "full",
      ratchet_tree: decodeMls("RatchetTree", mlsOf("RatchetTree", agent.state.ratchetTree).bytes),
    },
  };
  const update = hubEndpoints(hub).find((e) => e.name === "update")!;
  const answer = await update.handle({
    domain: TARGET,
    peerDomain: TARGET,
    param: room,
    body: endpoints.update.request.encode({ bundle }),
    db: p.db,
    now: Date.now(),
    log: () => {},
  });
  if (endpoints.update.response.decode(answer.body!).responseCode !== "success")
    throw new Error("the franking agent was not accepted");
  const joiningCode = await createJoinCode(hub, {
    roomId: room,
    creatorClient: client,
    role_index: 2,
    expiresAt: Date.now() + 3_600_000,
  });
  return {
    room,
    joiningCode,
    target: { domain: TARGET, host: "127.0.0.1", port: p.port, ca: targetPki.ca.certificatePem },
    runner: {
      domain: RUNNER,
      tls: { key: runnerPki.server.privateKeyPem, cert: runnerPki.server.certificatePem },
    },
    consentingUser: tess,
    ...testUsersFromSeed(seed),
  };
}

/**
 * A target seen through a TLS-terminating proxy with the target's certificate (it asks for the
 * runner's client certificate as the target does) that forwards every request to the provider
 * with the runner's certificate, headers and body unchanged, except the §5.1 directory, whose
 * document `rewrite` changes. Returns the configuration that points the runner at the proxy.
 */
async function behindProxy(
  config: RunnerConfig,
  rewrite: (doc: Record<string, string>) => Record<string, string>,
): Promise<RunnerConfig> {
  const upstream = (req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
    const headers: Record<string, string> = {};
    for (const k of ["host", "from", "content-type", "content-length"]) {
      const v = req.headers[k];
      if (typeof v === "string") headers[k] = v;
    }
    const up = httpsRequest(
      {
        host: "127.0.0.1",
        port: config.target.port,
        method: req.method,
        path: req.url,
        servername: TARGET,
        ca: targetPki.ca.certificatePem,
        key: runnerPki.server.privateKeyPem,
        cert: runnerPki.server.certificatePem,
        agent: false,
        headers,
        ...(headers["host"] === undefined ? { setHost: false } : {}),
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          let out = Buffer.concat(chunks);
          if (req.url === "/.well-known/mimi-protocol-directory" && answer.statusCode === 200)
            out = Buffer.from(
              JSON.stringify(rewrite(JSON.parse(out.toString("utf8")) as Record<string, string>)),
            );
          res.writeHead(answer.statusCode ?? 502, {
            "content-type": answer.headers["content-type"] ?? "application/octet-stream",
            "content-length": String(out.length),
          });
          res.end(out);
        });
      },
    );
    // the provider closed the connection without answering (an oversized body): so does the proxy
    up.on("error", () => res.destroy());
    up.end(body);
  };
  const server = createHttpsServer(
    {
      key: targetPki.server.privateKeyPem,
      cert: targetPki.server.certificatePem,
      ca: runnerPki.ca.certificatePem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: "TLSv1.3",
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => upstream(req, Buffer.concat(chunks), res));
    },
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  proxies.push(server);
  const port = (server.address() as AddressInfo).port;
  return { ...config, target: { ...config.target, port } };
}

/** The checks whose verdict differs from the baseline's. */
function changed(report: ConformanceReport): CheckResult[] {
  const before = new Map(baseline.results.map((r) => [r.id, r.verdict]));
  return report.results.filter((r) => before.get(r.id) !== r.verdict);
}

/** Run the suite against a variant; expect exactly `id` to change, and to fail. */
async function expectCaughtBy(
  id: string,
  variant: Variant,
  through?: (config: RunnerConfig) => Promise<RunnerConfig>,
): Promise<void> {
  const config = await startTarget(variant);
  const report = await runConformance(through === undefined ? config : await through(config), checks);
  const diff = changed(report);
  expect(diff.map((r) => `${r.id} ${r.verdict}: ${r.reason}`)).toHaveLength(1);
  expect(diff[0]).toMatchObject({ id, verdict: "fail" });
  expect(conformant(report)).toBe(false);
}

beforeAll(async () => {
  targetPki = await createProviderPki(TARGET, { algorithm: "Ed25519" });
  runnerPki = await createProviderPki(RUNNER, { algorithm: "Ed25519" });
  baseline = await runConformance(await startTarget(), checks);
});

afterAll(async () => {
  for (const s of proxies) s.close();
  for (const p of running) await p.stop(1000);
});

describe("mimi conformance against our provider", () => {
  it("runs at least 60 checks with unique IDs, each with a section and a level", () => {
    expect(checks.length).toBeGreaterThanOrEqual(60);
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    for (const c of checks) {
      expect(c.id).toMatch(/^CONF-[A-Z]+-[0-9]{2}$/);
      expect(c.section).toMatch(/^§[0-9.]+$/);
    }
  });

  it("PROTO-FED-01 PROTO-TLS-01 PROTO-TLS-02 PROTO-HOST-01 PROTO-FROM-01: every check passes against our provider", () => {
    const notPassed = baseline.results.filter((r) => r.verdict !== "pass");
    expect(notPassed.map((r) => `${r.id} ${r.verdict}: ${r.reason}`)).toEqual([]);
    expect(conformant(baseline)).toBe(true);
    expect(baseline.summary).toMatchObject({ total: checks.length, pass: checks.length, mustFailed: 0 });
  });

  it("docs/conformance.md lists every check with its section, level, requirement and title", () => {
    const doc = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), "../../../docs/conformance.md"),
      "utf8",
    );
    for (const c of checks)
      expect(doc).toContain(`| ${c.id} | ${c.section} | ${c.level} | ${c.requirement ?? ""} | ${c.title} |`);
    expect(doc.match(/^\| CONF-/gm)).toHaveLength(checks.length);
  });

  it("reports as text, JSON and JUnit XML", () => {
    const text = textReport(baseline);
    expect(text).toContain("PASS CONF-DIR-01 MUST §5.1 [PROTO-DIR-07]");
    expect(text).toContain(`${checks.length} passed, 0 failed`);
    const xml = junitReport(baseline);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(xml.match(/<testcase /g)).toHaveLength(checks.length);
    expect(xml).not.toContain("<failure");
    const json = JSON.parse(JSON.stringify(baseline)) as ConformanceReport;
    expect(json.format).toBe("mimi-conformance/1");
    expect(json.results[0]).toMatchObject({ id: "CONF-DIR-01", verdict: "pass", reason: null });
  });
});

describe("each faulty variant fails exactly its check", () => {
  it("PROTO-NOTIFY-01: a follower that accepts notify for a room of another hub", async () => {
    await expectCaughtBy("CONF-NOT-03", () => ({
      extraEndpoints: [
        wrap(
          "notify",
          () => implementedEndpoints.find((e) => e.name === "notify")!,
          async (ctx, next) => (ctx.param.startsWith(`mimi://${ctx.peerDomain}/`) ? next() : { status: 201 }),
        ),
      ],
    }));
  });

  it("DISC-R8-02: an identifier query that answers a hidden handle differently from an unknown one", async () => {
    await expectCaughtBy("CONF-IDQ-02", () => ({
      endpointsFor: async (db, domain) => {
        const real = (await persistedDirectoryEndpoint(db, domain, seed)).endpoint;
        return [
          wrap(
            "identifierQuery",
            () => real,
            async (ctx, next) => {
              const q = endpoints.identifierQuery.request.decode(ctx.body);
              if (!q.query_elements.some((e) => e.searchValue === "mailto:tess@t.example")) return next();
              const forbidden: IdentifierResponse = {
                responseCode: "forbidden",
                uri: [],
                foundProfiles: [],
                id_response_extensions: { component_data: [] },
              };
              return { status: 200, body: endpoints.identifierQuery.response.encode(forbidden) };
            },
          ),
        ];
      },
    }));
  });

  it("PROTO-KM-01: a keyMaterial endpoint that skips the request's signature check", async () => {
    await expectCaughtBy("CONF-KM-05", (self) => ({
      extraEndpoints: [
        wrap(
          "keyMaterial",
          () => hubEndpoint(self, "keyMaterial"),
          async (ctx, next) => {
            const r: KeyMaterialRequest = endpoints.keyMaterial.request.decode(ctx.body);
            const cs = await loadCiphersuite(r.acceptableCiphersuites[0]);
            try {
              await verifyKeyMaterialRequest(r, cs.impl.signature);
            } catch {
              // the fault: an unverified request goes on as if it were signed
              return {
                status: 200,
                body: endpoints.keyMaterial.response.encode({
                  protocol: "mls10",
                  userStatus: "noConsent",
                  userUri: { uri: r.targetUser.uri },
                  clients: [],
                }),
              };
            }
            return next();
          },
        ),
      ],
    }));
    expect(signatureLabels.keyMaterialRequest).toBe("KeyMaterialRequestTBS");
  });

  it("PROTO-KM-07: a hub that hands out key material without the user's consent", async () => {
    await expectCaughtBy("CONF-KM-03", () => ({ hub: { consent: async () => true } }));
  });

  it("PROTO-CONSENT-05: an updateConsent that takes a grant for a user of another provider", async () => {
    await expectCaughtBy("CONF-CONS-08", () => ({
      extraEndpoints: [
        wrap(
          "updateConsent",
          () => implementedEndpoints.find((e) => e.name === "updateConsent")!,
          async (ctx, next) => {
            const entry = endpoints.updateConsent.request.decode(ctx.body);
            return entry.targetUri.uri.startsWith(`mimi://${ctx.peerDomain}/`) ? next() : { status: 201 };
          },
        ),
      ],
    }));
  });

  it("PROTO-DL-01: a hub whose proxyDownload is an open proxy", async () => {
    await expectCaughtBy("CONF-DL-01", (self) => ({
      extraEndpoints: [
        wrap(
          "proxyDownload",
          () => hubEndpoint(self, "proxyDownload"),
          async (ctx, next) =>
            /^https:\/\/[^/]*\.invalid\//.test(ctx.param)
              ? { status: 200, body: utf8("fetched for anyone") }
              : next(),
        ),
      ],
    }));
  });

  it("PROTO-HUB-01: a hub that accepts a second commit for an epoch already committed", async () => {
    await expectCaughtBy("CONF-UPD-05", (self) => ({
      extraEndpoints: [
        wrap(
          "update",
          () => hubEndpoint(self, "update"),
          async (_ctx, next) => {
            const answer = await next();
            if (answer.body === undefined) return answer;
            const r = endpoints.update.response.decode(answer.body);
            if (r.responseCode !== "wrongEpoch") return answer;
            // the fault: the stale commit is answered as accepted
            return {
              status: 200,
              body: endpoints.update.response.encode({
                responseCode: "success",
                errorDescription: "",
                accepted_timestamp: BigInt(Date.now()),
              }),
            };
          },
        ),
      ],
    }));
  });

  it("PROTO-HUB-02: a hub that takes a commit whose MLSMessage does not decode", async () => {
    await expectCaughtBy("CONF-UPD-07", (self) => ({
      extraEndpoints: [
        wrap(
          "update",
          () => hubEndpoint(self, "update"),
          async (ctx, next) => {
            if (ctx.param !== room) return next();
            try {
              endpoints.update.request.decode(ctx.body);
            } catch {
              // the fault: an undecodable commit of the room is answered as accepted
              return {
                status: 200,
                body: endpoints.update.response.encode({
                  responseCode: "success",
                  errorDescription: "",
                  accepted_timestamp: BigInt(Date.now()),
                }),
              };
            }
            return next();
          },
        ),
      ],
    }));
  });

  it("PROTO-HUB-03: a hub that skips the room policy check of a commit", async () => {
    await expectCaughtBy("CONF-UPD-08", (self) => ({
      extraEndpoints: [
        wrap(
          "update",
          () => hubEndpoint(self, "update"),
          async (_ctx, next) => {
            const answer = await next();
            if (answer.body === undefined) return answer;
            const r = endpoints.update.response.decode(answer.body);
            if (r.responseCode !== "notAllowed" || !POLICY_REFUSAL.test(r.errorDescription)) return answer;
            // the fault: a commit room policy refuses is answered as accepted
            return {
              status: 200,
              body: endpoints.update.response.encode({
                responseCode: "success",
                errorDescription: "",
                accepted_timestamp: BigInt(Date.now()),
              }),
            };
          },
        ),
      ],
    }));
  });

  it("PROTO-DIR-07: a directory whose proxyDownload URL is a path the provider does not serve", async () => {
    // the same provider behind a proxy changes no verdict: only the broken entry does
    await expectCaughtBy(
      "CONF-DIR-21",
      () => ({}),
      (config) =>
        behindProxy(config, (doc) => ({
          ...doc,
          proxyDownload: (doc["proxyDownload"] ?? "").replace("/proxyDownload/", "/proxy-download/"),
        })),
    );
  });

  it("PROTO-ABUSE-01: a hub that takes abuse reports without checking their franks", async () => {
    await expectCaughtBy("CONF-ABUSE-03", (self) => ({
      extraEndpoints: [
        wrap(
          "reportAbuse",
          () => hubEndpoint(self, "reportAbuse"),
          async (_ctx, next) => {
            try {
              return await next();
            } catch (e) {
              // the fault: a report the frank check refuses is taken all the same
              if ((e as { rule?: unknown }).rule === "PROTO-ABUSE-01") return { status: 201 };
              throw e;
            }
          },
        ),
      ],
    }));
  });

  it("PROTO-HTTP-01: a hub that answers 500 to a truncated abuse report", async () => {
    await expectCaughtBy("CONF-ROB-18", (self) => ({
      extraEndpoints: [
        wrap(
          "reportAbuse",
          () => hubEndpoint(self, "reportAbuse"),
          async (ctx, next) => {
            try {
              endpoints.reportAbuse.request.decode(ctx.body);
            } catch (e) {
              if ((e as Error).message.includes("truncated")) return { status: 500 };
            }
            return next();
          },
        ),
      ],
    }));
  });
});
