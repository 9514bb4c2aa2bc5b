/**
 * The checks of `mimi conformance`, in the order they run. Each names the requirement it tests
 * (our `PROTO-…`/`DISC-…` ID where there is one), the section of draft-ietf-mimi-protocol-06 and
 * the level; `docs/conformance.md` lists them all.
 */
import {
  type AbuseReport,
  type ConsentEntry,
  type DirectoryName,
  directoryNames,
  endpoints,
  expandTemplate,
  type GroupInfoRequest,
  type IdentifierRequest,
  type KeyMaterialResponse,
  templateVariable,
} from "@mimi/protocol";
import { toHex } from "@mimi/wire";
import { type Check, expectAnswer, expectRefused, expectStatus, type Level } from "./check.js";
import { type CheckContext, fail, skip } from "./context.js";
import { roomChecks as memberChecks } from "./room-checks.js";
import { describeOutcome, type Outcome } from "./transport.js";

/** Deterministic pseudo-random bytes (mulberry32), starting with 0xff (no valid first field). */
function noise(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  out[0] = 0xff;
  return out;
}

const enc = new TextEncoder();

/** The parameter each endpoint is probed with when nothing particular is needed. */
function probeParam(ctx: CheckContext, name: DirectoryName): string {
  switch (endpoints[name].servedBy) {
    case "user":
      return `mimi://${ctx.target}/u/conformance-probe`;
    case "room":
      return `mimi://${ctx.target}/r/conformance-probe`;
    case "follower":
      // the runner is the hub of its own rooms
      return `mimi://${ctx.runnerDomain}/r/conformance-probe`;
    case "domain":
      return ctx.target;
    case "hub":
      return "https://conformance-probe.invalid/asset";
  }
}

/** A well-formed body of each POST endpoint. */
function sampleBody(ctx: CheckContext, name: DirectoryName): Uint8Array {
  switch (name) {
    case "keyMaterial":
      return ctx.sample("KeyMaterialRequest");
    case "update":
      return ctx.sample("UpdateRequest");
    case "notify":
      return ctx.sample("FanoutMessages");
    case "submitMessage":
      return ctx.sample("SubmitMessageRequest");
    case "groupInfo":
      return ctx.sample("GroupInfoRequest");
    case "requestConsent":
    case "updateConsent":
      return ctx.sample("ConsentEntry");
    case "identifierQuery":
      return ctx.sample("IdentifierRequest");
    case "reportAbuse":
      return endpoints.reportAbuse.request.encode(abuseReport(ctx));
    case "proxyDownload":
      return new Uint8Array(0);
  }
}

function abuseReport(ctx: CheckContext): AbuseReport {
  return {
    reportingUser: { uri: ctx.runnerUser },
    allegedAbuserUri: { uri: `mimi://${ctx.target}/u/conformance-probe` },
    reasonCode: 0,
    note: "conformance probe",
    messages: [],
    abuse_extensions: { component_data: [] },
  } as AbuseReport;
}

const postEndpoints = directoryNames.filter((n) => endpoints[n].method === "POST");

function identifierRequest(handle: string): Uint8Array {
  const request: IdentifierRequest = {
    query_elements: [{ searchType: "handle", searchValue: handle }],
    id_request_extensions: { component_data: [] },
  };
  return endpoints.identifierQuery.request.encode(request);
}

/** A handle no provider holds. */
const UNKNOWN_HANDLE = "mailto:conformance-nobody-7f3a91@conformance.invalid";

function consent(entry: ConsentEntry): Uint8Array {
  return endpoints.requestConsent.request.encode(entry);
}

function consentEntry(
  operation: "request" | "cancel" | "grant" | "revoke",
  requester: string,
  target: string,
): ConsentEntry {
  const base = {
    requesterUri: { uri: requester },
    targetUri: { uri: target },
    consent_extensions: { component_data: [] },
  };
  return operation === "grant"
    ? { ...base, consentOperation: "grant", clientKeyPackages: [] }
    : { ...base, consentOperation: operation };
}

/** A user of the target the runner's user has no consent from. */
function someUser(ctx: CheckContext): string {
  return ctx.config.knownUser ?? ctx.config.consentingUser ?? `mimi://${ctx.target}/u/conformance-probe`;
}

/** Refused with 4xx, or answered with a body that is not a success (decoded with `decode`). */
function refusedOrNot(o: Outcome, what: string, isSuccess: (body: Uint8Array) => boolean): void {
  if (o.kind === "answer" && o.status === 200) {
    let success: boolean;
    try {
      success = isSuccess(o.body);
    } catch (e) {
      fail(`${what}: 200 with a body that does not decode: ${(e as Error).message}`);
    }
    if (success) fail(`${what}: accepted`);
  } else expectRefused(o, what);
}

/** A 4xx, or the connection refused/closed (a TLS-level refusal). */
function refusedOrClosed(o: Outcome, what: string): void {
  if (o.kind === "none") {
    if (/timeout|no answer within/i.test(o.error)) fail(`${what}: ${o.error}`);
    return;
  }
  if (o.status < 400 || o.status >= 500) fail(`${what}: expected a refusal, got ${describeOutcome(o)}`);
}

function check(
  id: string,
  requirement: string | undefined,
  section: string,
  level: Level,
  title: string,
  run: (ctx: CheckContext) => Promise<void>,
): Check {
  return { id, ...(requirement === undefined ? {} : { requirement }), section, level, title, run };
}

const two = (n: number): string => String(n).padStart(2, "0");

// ----- §5.1 directory -----

const directoryChecks: Check[] = [
  check(
    "CONF-DIR-01",
    "PROTO-DIR-07",
    "§5.1",
    "MUST",
    "the directory is served as a JSON object",
    async (ctx) => {
      const d = await ctx.directory();
      if (!d.ok) fail(`GET /.well-known/mimi-protocol-directory: ${d.why}`);
    },
  ),
  ...directoryNames.map((name, i) =>
    check(
      `CONF-DIR-${two(i + 2)}`,
      "PROTO-DIR-02",
      "§5.1",
      "MUST",
      `the directory lists ${name} as an https URL template on the target with its variable`,
      async (ctx) => {
        const d = await ctx.directory();
        if (!d.ok) skip(`no directory (${d.why})`);
        const template = d.doc[name];
        if (typeof template !== "string")
          fail(`${name} is ${template === undefined ? "missing" : "not a string"}`);
        try {
          templateVariable(template, name);
        } catch (e) {
          fail((e as Error).message);
        }
        let url: URL;
        try {
          url = new URL(expandTemplate(template, name, "x"), `https://${ctx.target}`);
        } catch {
          return fail(`${name} is not a URL template: ${template.slice(0, 200)}`);
        }
        if (url.protocol !== "https:") fail(`${name} is not https: ${template.slice(0, 200)}`);
        if (url.hostname !== ctx.target) fail(`${name} is on another host: ${url.hostname}`);
      },
    ),
  ),
  ...directoryNames.map((name, i) =>
    check(
      `CONF-DIR-${two(i + 12)}`,
      "PROTO-DIR-07",
      "§5.1",
      "MUST",
      `the directory's ${name} URL reaches the endpoint (not 404 or 405)`,
      async (ctx) => {
        const o = await ctx.send(
          name,
          probeParam(ctx, name),
          endpoints[name].method === "POST" ? noise(i + 1, 64) : undefined,
        );
        if (o.kind === "none") fail(describeOutcome(o));
        if (o.status === 404 || o.status === 405 || o.status >= 500)
          fail(`${endpoints[name].method} ${name}: ${describeOutcome(o)}`);
      },
    ),
  ),
];

// ----- §4.1 transport -----

/** A valid request (an identifier query for an unknown handle) with parts replaced. */
function fedProbe(ctx: CheckContext, more: Parameters<CheckContext["send"]>[3]): Promise<Outcome> {
  return ctx.send("identifierQuery", ctx.target, identifierRequest(UNKNOWN_HANDLE), more);
}

const transportChecks: Check[] = [
  check(
    "CONF-FED-01",
    "PROTO-TLS-02",
    "§4.1",
    "MUST",
    "the target's TLS certificate authenticates its domain (under the CA given)",
    async (ctx) => {
      const o = await ctx.raw({ method: "GET", path: "/.well-known/mimi-protocol-directory" });
      if (o.kind === "none") fail(`TLS with server name ${ctx.target}: ${o.error}`);
    },
  ),
  check(
    "CONF-FED-02",
    "PROTO-FED-01",
    "§4.1",
    "MUST",
    "a request with the runner's certificate, Host and From is answered (identifierQuery 200)",
    async (ctx) => expectStatus(await fedProbe(ctx, {}), 200, "identifierQuery"),
  ),
  check(
    "CONF-FED-03",
    "PROTO-TLS-01",
    "§4.1",
    "MUST",
    "a request without a client certificate is refused",
    async (ctx) => refusedOrClosed(await fedProbe(ctx, { tls: null }), "no client certificate"),
  ),
  check(
    "CONF-FED-04",
    "PROTO-TLS-02",
    "§4.1",
    "MUST",
    "a client certificate from a CA the target does not trust is refused",
    async (ctx) => refusedOrClosed(await fedProbe(ctx, { tls: await ctx.strangerTls() }), "unknown CA"),
  ),
  check("CONF-FED-05", "PROTO-FROM-01", "§4.1", "MUST", "a request without From is refused", async (ctx) =>
    expectRefused(await fedProbe(ctx, { from: null }), "no From"),
  ),
  check(
    "CONF-FED-06",
    "PROTO-FROM-01",
    "§4.1",
    "MUST",
    "a From whose local part is not mimi is refused",
    async (ctx) =>
      expectRefused(await fedProbe(ctx, { from: `postmaster@${ctx.runnerDomain}` }), "From postmaster@"),
  ),
  check(
    "CONF-FED-07",
    "IDENTITY-DOMAIN-01",
    "§4.1",
    "MUST",
    "a From naming another domain than the client certificate is refused",
    async (ctx) =>
      expectRefused(
        await fedProbe(ctx, { from: "mimi@conformance-other.example" }),
        "From of another domain",
      ),
  ),
  check(
    "CONF-FED-08",
    "PROTO-HOST-01",
    "§4.1",
    "MUST",
    "a Host naming another provider is refused",
    async (ctx) =>
      expectRefused(await fedProbe(ctx, { host: "conformance-other.example" }), "Host of another provider"),
  ),
  check("CONF-FED-09", "PROTO-HOST-01", "§4.1", "MUST", "a request without Host is refused", async (ctx) =>
    expectRefused(await fedProbe(ctx, { host: null }), "no Host"),
  ),
  check(
    "CONF-FED-10",
    "PROTO-HOST-01",
    "§4.1",
    "MUST",
    "the port of Host is ignored (Host target:8443 is the target)",
    async (ctx) => expectStatus(await fedProbe(ctx, { host: `${ctx.target}:8443` }), 200, "Host with a port"),
  ),
];

// ----- §5.8 identifier query -----

const identifierChecks: Check[] = [
  check(
    "CONF-IDQ-01",
    "DISC-QUERY-03",
    "§5.8",
    "MUST",
    "an unknown handle is answered notFound with no URI and no profile",
    async (ctx) => {
      const r = expectAnswer(await fedProbe(ctx, {}), "identifierQuery", "unknown handle");
      if (r.responseCode !== "notFound" || r.uri.length > 0 || r.foundProfiles.length > 0)
        fail(`answered ${r.responseCode} with ${r.uri.length} URIs, ${r.foundProfiles.length} profiles`);
    },
  ),
  check(
    "CONF-IDQ-02",
    "DISC-R8-02",
    "§5.8",
    "MUST",
    "a handle its user hides is answered byte for byte like an unknown handle",
    async (ctx) => {
      const hidden = ctx.config.hiddenHandle;
      if (hidden === undefined) skip("no hidden handle configured (--hidden-handle)");
      const a = await ctx.send("identifierQuery", ctx.target, identifierRequest(hidden));
      const b = await fedProbe(ctx, {});
      expectStatus(a, 200, "hidden handle");
      expectStatus(b, 200, "unknown handle");
      if (a.kind === "answer" && b.kind === "answer" && toHex(a.body) !== toHex(b.body))
        fail(`hidden: ${toHex(a.body).slice(0, 120)}; unknown: ${toHex(b.body).slice(0, 120)}`);
    },
  ),
  check(
    "CONF-IDQ-03",
    "DISC-QUERY-03",
    "§5.8",
    "MUST",
    "a handle shown to anyone is answered success with its user's URI",
    async (ctx) => {
      const visible = ctx.config.visibleHandle;
      if (visible === undefined) skip("no visible handle configured (--visible-handle HANDLE=URI)");
      const o = await ctx.send("identifierQuery", ctx.target, identifierRequest(visible.handle));
      const r = expectAnswer(o, "identifierQuery", "visible handle");
      if (r.responseCode !== "success" || !r.uri.some((u) => u.uri === visible.uri))
        fail(`answered ${r.responseCode} with ${r.uri.map((u) => u.uri).join(", ") || "no URI"}`);
    },
  ),
  check("CONF-IDQ-04", "DISC-QUERY-02", "§5.8", "MUST", "an empty query matches nobody", async (ctx) => {
    const body = endpoints.identifierQuery.request.encode({
      query_elements: [],
      id_request_extensions: { component_data: [] },
    });
    const o = await ctx.send("identifierQuery", ctx.target, body);
    if (o.kind === "answer" && o.status === 200) {
      const r = endpoints.identifierQuery.response.decode(o.body);
      if (r.uri.length > 0 || r.foundProfiles.length > 0) fail(`an empty query found ${r.uri.length} URIs`);
      return;
    }
    expectRefused(o, "empty query");
  }),
  check(
    "CONF-IDQ-05",
    undefined,
    "§5.8",
    "SHOULD",
    "a query whose path names another domain is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send("identifierQuery", "conformance-other.example", identifierRequest(UNKNOWN_HANDLE)),
        "identifierQuery for another domain",
      ),
  ),
];

// ----- §5.2 key material -----

function keyMaterialBody(r: Awaited<ReturnType<CheckContext["keyMaterialRequest"]>>): Uint8Array {
  return endpoints.keyMaterial.request.encode(r);
}

const failureCodes = new Set(["noConsent", "noConsentForThisRoom", "userUnknown", "userDeleted"]);

async function askKeyMaterial(
  ctx: CheckContext,
  target: string,
  requester?: string,
): Promise<KeyMaterialResponse> {
  const req = await ctx.keyMaterialRequest(target, requester === undefined ? {} : { requester });
  return expectAnswer(
    await ctx.send("keyMaterial", target, keyMaterialBody(req)),
    "keyMaterial",
    `keyMaterial for ${target}`,
  );
}

const keyMaterialChecks: Check[] = [
  check(
    "CONF-KM-01",
    "PROTO-KM-07",
    "§5.2",
    "MUST",
    "a user who consented to the runner's user gets KeyPackages of its clients handed out",
    async (ctx) => {
      const user = ctx.config.consentingUser;
      if (user === undefined) skip("no consenting user configured (--user)");
      const first = (async () => {
        const r = await askKeyMaterial(ctx, user);
        if (r.userStatus !== "success" && r.userStatus !== "partialSuccess") fail(`answered ${r.userStatus}`);
        const kps = new Set<string>();
        for (const c of r.clients) {
          if (!c.clientUri.uri.startsWith(`mimi://${ctx.target}/`))
            fail(`client ${c.clientUri.uri} is not of the target`);
          if (c.clientStatus === "success") kps.add(toHex(c.keyPackage.bytes));
        }
        if (kps.size === 0) fail("no KeyPackage in a success answer");
        return kps;
      })();
      ctx.memo.set("keyPackages", first);
      await first;
    },
  ),
  check(
    "CONF-KM-02",
    "PROTO-KM-05",
    "§5.2",
    "MUST",
    "a KeyPackage handed out once is never handed out again",
    async (ctx) => {
      const user = ctx.config.consentingUser;
      if (user === undefined) skip("no consenting user configured (--user)");
      const earlier = ctx.memo.get("keyPackages") as Promise<Set<string>> | undefined;
      const first = await (earlier ?? skip("CONF-KM-01 did not run")).catch(() =>
        skip("CONF-KM-01 did not pass"),
      );
      const r = await askKeyMaterial(ctx, user);
      for (const c of r.clients)
        if (c.clientStatus === "success" && first.has(toHex(c.keyPackage.bytes)))
          fail(`the KeyPackage of ${c.clientUri.uri} was handed out twice`);
    },
  ),
  check(
    "CONF-KM-10",
    "PROTO-KM-03",
    "§5.2",
    "MUST",
    "KeyPackages that lack a required capability are not handed out (noCompatibleMaterial)",
    async (ctx) => {
      const user = ctx.config.consentingUser;
      if (user === undefined) skip("no consenting user configured (--user)");
      // an extension type from the private-use range no KeyPackage supports
      const req = await ctx.keyMaterialRequest(user, { requiredExtensions: [0xff7a] });
      const r = expectAnswer(
        await ctx.send("keyMaterial", user, keyMaterialBody(req)),
        "keyMaterial",
        "keyMaterial",
      );
      if (r.userStatus !== "noCompatibleMaterial") fail(`answered ${r.userStatus}`);
      const given = r.clients.filter((c) => c.clientStatus === "success");
      if (given.length > 0) fail(`${given.length} KeyPackages handed out`);
    },
  ),
  check(
    "CONF-KM-03",
    "PROTO-KM-07",
    "§5.2",
    "MUST",
    "without the user's consent the answer is noConsent with no clients",
    async (ctx) => {
      const user = ctx.config.knownUser ?? ctx.config.consentingUser;
      if (user === undefined) skip("no user of the target configured (--user or --known-user)");
      const r = await askKeyMaterial(ctx, user, `mimi://${ctx.runnerDomain}/u/conformance-stranger`);
      if (r.userStatus !== "noConsent" && r.userStatus !== "noConsentForThisRoom")
        fail(`answered ${r.userStatus} with ${r.clients.length} clients`);
      if (r.clients.length > 0) fail(`${r.userStatus} with ${r.clients.length} clients`);
    },
  ),
  check(
    "CONF-KM-04",
    "PROTO-KM-03",
    "§5.2",
    "MUST",
    "an unknown user is answered with a failure code and no clients",
    async (ctx) => {
      const r = await askKeyMaterial(ctx, `mimi://${ctx.target}/u/conformance-nobody-7f3a91`);
      if (!failureCodes.has(String(r.userStatus))) fail(`answered ${r.userStatus}`);
      if (r.clients.length > 0) fail(`${r.userStatus} with ${r.clients.length} clients`);
    },
  ),
  check(
    "CONF-KM-05",
    "PROTO-KM-01",
    "§5.2",
    "MUST",
    "a request whose signature does not verify is refused",
    async (ctx) => {
      const user = someUser(ctx);
      const req = await ctx.keyMaterialRequest(user);
      const sig = Uint8Array.from(req.key_material_request_signature);
      sig[0] = (sig[0] ?? 0) ^ 0x01;
      const o = await ctx.send(
        "keyMaterial",
        user,
        keyMaterialBody({ ...req, key_material_request_signature: sig }),
      );
      expectRefused(o, "keyMaterial with a bad signature");
    },
  ),
  check(
    "CONF-KM-06",
    "PROTO-KM-06",
    "§5.2",
    "MUST",
    "a request for a requesting user of another provider than the sender is refused",
    async (ctx) => {
      const user = someUser(ctx);
      const req = await ctx.keyMaterialRequest(user, {
        requester: "mimi://conformance-other.example/u/mallory",
      });
      expectRefused(
        await ctx.send("keyMaterial", user, keyMaterialBody(req)),
        "requestingUser of another domain",
      );
    },
  ),
  check(
    "CONF-KM-07",
    "PROTO-KM-06",
    "§5.2",
    "MUST",
    "a request whose targetUser is not the path's user is refused",
    async (ctx) => {
      const user = someUser(ctx);
      const req = await ctx.keyMaterialRequest(`mimi://${ctx.target}/u/conformance-other`);
      expectRefused(await ctx.send("keyMaterial", user, keyMaterialBody(req)), "targetUser not the path's");
    },
  ),
  check(
    "CONF-KM-08",
    "PROTO-KM-06",
    "§5.2",
    "MUST",
    "a request signed by a client of another user than the requesting user is refused",
    async (ctx) => {
      const user = someUser(ctx);
      const req = await ctx.keyMaterialRequest(user, {
        signedBy: `mimi://${ctx.runnerDomain}/u/conformance-other`,
      });
      expectRefused(await ctx.send("keyMaterial", user, keyMaterialBody(req)), "credential of another user");
    },
  ),
  check(
    "CONF-KM-09",
    undefined,
    "§5.2",
    "SHOULD",
    "a request for a user of another domain is refused",
    async (ctx) => {
      const other = "mimi://conformance-other.example/u/bob";
      const req = await ctx.keyMaterialRequest(other);
      expectRefused(await ctx.send("keyMaterial", other, keyMaterialBody(req)), "user of another domain");
    },
  ),
];

// ----- §5.5 notify -----

/** The sample FanoutMessage with a fresh timestamp (a body the target has not seen). */
function freshFanout(ctx: CheckContext): Uint8Array {
  const [m] = endpoints.notify.request.decode(ctx.sample("FanoutMessages"));
  if (m === undefined) throw new Error("empty FanoutMessages sample");
  const stamp = BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000));
  return endpoints.notify.request.encode([{ ...m, timestamp: stamp }]);
}

const notifyChecks: Check[] = [
  check(
    "CONF-NOT-01",
    "PROTO-NOTIFY-03",
    "§5.5",
    "MUST",
    "a FanoutMessage from the room's hub is accepted with 201",
    async (ctx) => {
      const notified = freshFanout(ctx);
      ctx.memo.set("notified", notified);
      expectStatus(
        await ctx.send("notify", `mimi://${ctx.runnerDomain}/r/conformance`, notified),
        201,
        "notify from the room's hub",
      );
    },
  ),
  check(
    "CONF-NOT-02",
    "PROTO-NOTIFY-02",
    "§5.5",
    "MUST",
    "a byte-identical duplicate from the same hub is answered 201",
    async (ctx) => {
      const notified = ctx.memo.get("notified") as Uint8Array | undefined;
      if (notified === undefined) skip("CONF-NOT-01 did not run");
      expectStatus(
        await ctx.send("notify", `mimi://${ctx.runnerDomain}/r/conformance`, notified),
        201,
        "duplicate notify",
      );
    },
  ),
  check(
    "CONF-NOT-03",
    "PROTO-NOTIFY-01",
    "§5.5",
    "MUST",
    "a notify for a room whose hub is not the sender is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send("notify", `mimi://${ctx.target}/r/conformance`, freshFanout(ctx)),
        "notify for the target's own room",
      ),
  ),
];

// ----- §5.3, §5.4, §5.6, §5.9 without a room -----

const unknownRoom = (ctx: CheckContext): string => `mimi://${ctx.target}/r/conformance-nowhere-7f3a91`;
const foreignRoom = (ctx: CheckContext): string => `mimi://${ctx.runnerDomain}/r/conformance`;

function groupInfoSample(ctx: CheckContext): GroupInfoRequest {
  return endpoints.groupInfo.request.decode(ctx.sample("GroupInfoRequest"));
}

const roomChecks: Check[] = [
  check(
    "CONF-UPD-01",
    "PROTO-HUB-02",
    "§5.3",
    "MUST",
    "a commit for a room the target does not have is not accepted",
    async (ctx) =>
      refusedOrNot(
        await ctx.send("update", unknownRoom(ctx), ctx.sample("UpdateRequest")),
        "update for an unknown room",
        (b) => endpoints.update.response.decode(b).responseCode === "success",
      ),
  ),
  check(
    "CONF-UPD-02",
    undefined,
    "§5.3",
    "SHOULD",
    "a commit for a room of another hub is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send("update", foreignRoom(ctx), ctx.sample("UpdateRequest")),
        "update for a room of another hub",
      ),
  ),
  check(
    "CONF-SUB-01",
    "PROTO-SUBMIT-04",
    "§5.4",
    "MUST",
    "a message for a room the target does not have is not accepted",
    async (ctx) =>
      refusedOrNot(
        await ctx.send("submitMessage", unknownRoom(ctx), ctx.sample("SubmitMessageRequest")),
        "submitMessage for an unknown room",
        (b) => endpoints.submitMessage.response.decode(b).statusCode === "accepted",
      ),
  ),
  check(
    "CONF-SUB-02",
    undefined,
    "§5.4",
    "SHOULD",
    "a message for a room of another hub is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send("submitMessage", foreignRoom(ctx), ctx.sample("SubmitMessageRequest")),
        "submitMessage for a room of another hub",
      ),
  ),
  check(
    "CONF-GI-01",
    "PROTO-GI-04",
    "§5.6",
    "MUST",
    "GroupInfo of a room the target does not have is not given (noSuchRoom or notAuthorized)",
    async (ctx) =>
      refusedOrNot(
        await ctx.send("groupInfo", unknownRoom(ctx), ctx.sample("GroupInfoRequest")),
        "groupInfo for an unknown room",
        (b) => endpoints.groupInfo.response.decode(b).status === "success",
      ),
  ),
  check(
    "CONF-GI-02",
    "PROTO-GI-01",
    "§5.6",
    "MUST",
    "a GroupInfo request whose signature does not verify is not answered with a GroupInfo",
    async (ctx) => {
      const s = groupInfoSample(ctx);
      const sig = Uint8Array.from(s.signature);
      sig[0] = (sig[0] ?? 0) ^ 0x01;
      refusedOrNot(
        await ctx.send(
          "groupInfo",
          unknownRoom(ctx),
          endpoints.groupInfo.request.encode({ ...s, signature: sig }),
        ),
        "groupInfo with a bad signature",
        (b) => endpoints.groupInfo.response.decode(b).status === "success",
      );
    },
  ),
  check(
    "CONF-GI-03",
    "PROTO-GI-03",
    "§5.6",
    "MUST",
    "a GroupInfo request in a cipher suite the hub does not support is not answered with a GroupInfo",
    async (ctx) => {
      const s = groupInfoSample(ctx);
      refusedOrNot(
        await ctx.send(
          "groupInfo",
          unknownRoom(ctx),
          endpoints.groupInfo.request.encode({ ...s, cipher_suite: 0xf0f0 }),
        ),
        "groupInfo in an unknown cipher suite",
        (b) => endpoints.groupInfo.response.decode(b).status === "success",
      );
    },
  ),
  check(
    "CONF-ABUSE-01",
    "PROTO-ABUSE-01",
    "§5.9",
    "MUST",
    "an abuse report for a room the target does not have is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "reportAbuse",
          unknownRoom(ctx),
          endpoints.reportAbuse.request.encode(abuseReport(ctx)),
        ),
        "reportAbuse for an unknown room",
      ),
  ),
];

// ----- §5.10.2 proxyDownload -----

const downloadChecks: Check[] = [
  check(
    "CONF-DL-01",
    "PROTO-DL-01",
    "§5.10.2",
    "MUST",
    "the hub is no open proxy: a URL on a host that is no peer's asset host is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send("proxyDownload", "https://conformance-open-proxy.invalid/asset"),
        "proxyDownload of a foreign URL",
      ),
  ),
  check(
    "CONF-DL-02",
    "PROTO-DL-01",
    "§5.10.2",
    "MUST",
    "a download URL that is not https is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send("proxyDownload", `http://${ctx.target}/blobs/conformance`),
        "proxyDownload of http",
      ),
  ),
  check(
    "CONF-DL-03",
    undefined,
    "§5.10.2",
    "MUST",
    "a download parameter that is not a URL is refused",
    async (ctx) => expectRefused(await ctx.send("proxyDownload", "not a url"), "proxyDownload of a non-URL"),
  ),
];

// ----- §5.7 consent -----

const consentChecks: Check[] = [
  check(
    "CONF-CONS-01",
    "PROTO-CONSENT-01",
    "§5.7",
    "MUST",
    "a consent request from the runner's user is received (201, or 404 for an unknown user)",
    async (ctx) => {
      const o = await ctx.send(
        "requestConsent",
        ctx.target,
        consent(consentEntry("request", ctx.runnerUser, someUser(ctx))),
      );
      if (o.kind === "answer" && o.status === 404) return;
      expectStatus(o, 201, "requestConsent request");
    },
  ),
  check(
    "CONF-CONS-02",
    "PROTO-CONSENT-01",
    "§5.7",
    "MUST",
    "requestConsent carrying grant is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "requestConsent",
          ctx.target,
          consent(consentEntry("grant", ctx.runnerUser, someUser(ctx))),
        ),
        "requestConsent grant",
      ),
  ),
  check(
    "CONF-CONS-03",
    "PROTO-CONSENT-02",
    "§5.7",
    "MUST",
    "requestConsent whose requester is not of the sender's domain is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "requestConsent",
          ctx.target,
          consent(consentEntry("request", "mimi://conformance-other.example/u/mallory", someUser(ctx))),
        ),
        "requester of another domain",
      ),
  ),
  check(
    "CONF-CONS-04",
    "PROTO-CONSENT-02",
    "§5.7",
    "MUST",
    "requestConsent whose target is not of the receiver's domain is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "requestConsent",
          ctx.target,
          consent(consentEntry("request", ctx.runnerUser, "mimi://conformance-other.example/u/bob")),
        ),
        "target of another domain",
      ),
  ),
  check(
    "CONF-CONS-05",
    "PROTO-CONSENT-03",
    "§5.7",
    "MUST",
    "a cancel matching no request is answered 201",
    async (ctx) => {
      const o = await ctx.send(
        "requestConsent",
        ctx.target,
        consent(consentEntry("cancel", `mimi://${ctx.runnerDomain}/u/conformance-never`, someUser(ctx))),
      );
      if (o.kind === "answer" && o.status === 404) return;
      expectStatus(o, 201, "unmatched cancel");
    },
  ),
  check(
    "CONF-CONS-06",
    "PROTO-CONSENT-04",
    "§5.7",
    "MUST",
    "a revocation from the runner's user is received (201, or 404 for an unknown user)",
    async (ctx) => {
      const o = await ctx.send(
        "updateConsent",
        ctx.target,
        consent(consentEntry("revoke", someUser(ctx), ctx.runnerUser)),
      );
      if (o.kind === "answer" && o.status === 404) return;
      expectStatus(o, 201, "updateConsent revoke");
    },
  ),
  check(
    "CONF-CONS-07",
    "PROTO-CONSENT-04",
    "§5.7",
    "MUST",
    "updateConsent carrying request is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "updateConsent",
          ctx.target,
          consent(consentEntry("request", someUser(ctx), ctx.runnerUser)),
        ),
        "updateConsent request",
      ),
  ),
  check(
    "CONF-CONS-08",
    "PROTO-CONSENT-05",
    "§5.7",
    "MUST",
    "updateConsent whose target (the granter) is not of the sender's domain is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "updateConsent",
          ctx.target,
          consent(consentEntry("grant", someUser(ctx), "mimi://conformance-other.example/u/mallory")),
        ),
        "granter of another domain",
      ),
  ),
  check(
    "CONF-CONS-09",
    "PROTO-CONSENT-05",
    "§5.7",
    "MUST",
    "updateConsent whose requester is not of the receiver's domain is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "updateConsent",
          ctx.target,
          consent(consentEntry("grant", "mimi://conformance-other.example/u/bob", ctx.runnerUser)),
        ),
        "requester of another domain",
      ),
  ),
  check(
    "CONF-CONS-10",
    undefined,
    "§5.7",
    "SHOULD",
    "a consent entry for another domain than the target's is refused",
    async (ctx) =>
      expectRefused(
        await ctx.send(
          "requestConsent",
          "conformance-other.example",
          consent(consentEntry("request", ctx.runnerUser, someUser(ctx))),
        ),
        "requestConsent for another domain",
      ),
  ),
];

// ----- robustness: bad bodies never get 5xx -----

/** A refusal with 4xx; 5xx, 2xx or no answer fail (`closeOk`: a closed connection is a refusal too). */
function robust(o: Outcome, what: string, closeOk = false): void {
  if (o.kind === "none") {
    if (closeOk && !/timeout|no answer within/i.test(o.error)) return;
    fail(`${what}: ${describeOutcome(o)}`);
  }
  if (o.status >= 500) fail(`${what}: a server error: ${describeOutcome(o)}`);
  if (o.status < 400) fail(`${what}: accepted (${o.status})`);
}

const OVERSIZED = (2 << 20) + 1;

const robustnessChecks: Check[] = [
  ...postEndpoints.map((name, i) =>
    check(
      `CONF-ROB-${two(i + 1)}`,
      "PROTO-HTTP-01",
      endpoints[name].section,
      "MUST",
      `${name}: a random body is refused with 4xx, never 5xx`,
      async (ctx) =>
        robust(await ctx.send(name, probeParam(ctx, name), noise(1000 + i, 4096)), `random ${name} body`),
    ),
  ),
  ...postEndpoints.map((name, i) =>
    check(
      `CONF-ROB-${two(i + 1 + postEndpoints.length)}`,
      "PROTO-HTTP-01",
      endpoints[name].section,
      "MUST",
      `${name}: a truncated body is refused with 4xx, never 5xx`,
      async (ctx) => {
        const body = sampleBody(ctx, name);
        robust(
          await ctx.send(name, probeParam(ctx, name), body.subarray(0, Math.floor(body.length / 2))),
          `truncated ${name} body`,
        );
      },
    ),
  ),
  ...postEndpoints.map((name, i) =>
    check(
      `CONF-ROB-${two(i + 1 + 2 * postEndpoints.length)}`,
      "PROTO-HTTP-01",
      endpoints[name].section,
      "MUST",
      `${name}: an oversized body (2 MiB) is refused with 4xx or a closed connection, never 5xx`,
      async (ctx) =>
        robust(
          await ctx.send(name, probeParam(ctx, name), new Uint8Array(OVERSIZED)),
          `2 MiB ${name} body`,
          true,
        ),
    ),
  ),
  check(
    `CONF-ROB-${two(3 * postEndpoints.length + 1)}`,
    "PROTO-HTTP-01",
    "§5.1",
    "MUST",
    "a path that is no endpoint is refused with 4xx, never 5xx",
    async (ctx) =>
      robust(
        await ctx.raw({ method: "POST", path: "/conformance/no-such-endpoint", body: enc.encode("x") }),
        "unknown path",
      ),
  ),
  check(
    `CONF-ROB-${two(3 * postEndpoints.length + 2)}`,
    "PROTO-HTTP-01",
    "§5.1",
    "MUST",
    "a method the directory does not give (POST on the directory) is refused with 4xx",
    async (ctx) =>
      robust(
        await ctx.raw({
          method: "POST",
          path: "/.well-known/mimi-protocol-directory",
          body: enc.encode("{}"),
        }),
        "POST on the directory",
      ),
  ),
  check(
    `CONF-ROB-${two(3 * postEndpoints.length + 3)}`,
    "PROTO-HTTP-01",
    "§5.1",
    "MUST",
    "after every other check the target still serves its directory",
    async (ctx) => {
      const o = await ctx.raw({ method: "GET", path: "/.well-known/mimi-protocol-directory" });
      expectStatus(o, 200, "the directory after the suite");
    },
  ),
];

/** Every check, in the order they run (the last one looks at the target after all the others). */
export const checks: readonly Check[] = [
  ...directoryChecks,
  ...transportChecks,
  ...identifierChecks,
  ...keyMaterialChecks,
  ...notifyChecks,
  ...roomChecks,
  ...memberChecks,
  ...downloadChecks,
  ...consentChecks,
  ...robustnessChecks,
];
