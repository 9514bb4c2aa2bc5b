/**
 * The recorded federation transcript of the demo (`spec-vectors/generated/federation/transcript.json`):
 * every protocol-06 request between the three providers of a reproducible demo run, and every
 * answer, step by step; then the requests of the outside peer `d.example` with the federation's
 * answers. `pnpm mimi vectors generate` writes it; `--check` proves a new run gives the same bytes.
 */
import { ClientCore, provisionClient } from "@mimi/client";
import { parseDirectoryHandle } from "@mimi/discovery";
import { decodeStructToJson, encodeStructFromJson, FANOUT_MESSAGES } from "@mimi/protocol";
import type { VectorCase } from "@mimi/spec-vectors";
import { withFixedClock, withSeededRandom } from "@mimi/testkit/seeded";
import { toHex } from "@mimi/wire";
import { DEMO_HANDLES } from "../src/directory.js";
import { demoEndpointOf, demoPath } from "../src/layouts.js";
import {
  LogicalClock,
  outsidePeer,
  peerRequest,
  peerTarget,
  RECORDED_TIME_MS,
  type RecordedExchange,
  type RecordedFederation,
  startRecordedFederation,
} from "../src/recorded.js";
import { runScenario, type ScenarioReport } from "../src/scenario.js";

/** Where the file goes, relative to the spec-vectors folder. */
export const TRANSCRIPT_FILE = "generated/federation/transcript.json";

/** The seed of every random value of the recorded run. */
const TRANSCRIPT_SEED = "mimi federation transcript v1";

/** The protocol-06 structure of each endpoint's request and (successful) answer body. */
const endpointBodies: Readonly<Record<string, { request?: string; response?: string }>> = {
  keyMaterial: { request: "KeyMaterialRequest", response: "KeyMaterialResponse" },
  update: { request: "UpdateRequest", response: "UpdateRoomResponse" },
  submitMessage: { request: "SubmitMessageRequest", response: "SubmitMessageResponse" },
  notify: { request: FANOUT_MESSAGES },
  groupInfo: { request: "GroupInfoRequest", response: "GroupInfoResponse" },
  requestConsent: { request: "ConsentEntry" },
  updateConsent: { request: "ConsentEntry" },
  identifierQuery: { request: "IdentifierRequest", response: "IdentifierResponse" },
  reportAbuse: { request: "AbuseReport" },
  proxyDownload: {},
  // not protocol-06 bodies: RFC 9458 key configurations and encapsulated requests and responses
  // (the hub's OHTTP gateway, §5.10.3), and the asset a provider serves to its peers
  ohttpGateway: {},
  blobs: {},
};

/** One step of the recorded run and the exchanges it caused. */
interface RecordedStep {
  readonly name: string;
  readonly exchanges: readonly RecordedExchange[];
}

/** The hand-built requests of the outside peer d.example (path, body) and why each is sent. */
export interface PeerCase {
  readonly comment: string;
  readonly to: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: Uint8Array;
}

const ROOM = "mimi://a.example/r/clubhouse";

/** The outside peer's requests, built after the scenario. */
async function peerCases(fed: RecordedFederation): Promise<PeerCase[]> {
  const { encodeConsentEntry, encodeIdentifierRequest } = await import("@mimi/protocol");
  const query = (handle: string): Uint8Array =>
    encodeIdentifierRequest({
      query_elements: [{ searchType: "handle", searchValue: parseDirectoryHandle(handle).uri }],
      id_request_extensions: { component_data: [] },
    });
  const dave = new ClientCore({
    identity: await provisionClient(fed.peer.ca, {
      userUri: "mimi://d.example/u/dave",
      clientUri: "mimi://d.example/d/dave/laptop",
      cs: fed.cs,
      now: new Date(Date.now()),
    }),
    trust: fed.trust,
    cs: fed.cs,
  });
  const lastNotify = fed.exchanges.findLast(
    (x) => x.from === "a.example" && x.to === "b.example" && endpointOf(x.to, x.exchange.path) === "notify",
  );
  if (lastNotify?.exchange.requestBody === undefined) throw new Error("the run sent no /notify to b.example");
  return [
    {
      comment: "Dave (d.example) grants Bob's request for consent: accepted (201)",
      to: "b.example",
      method: "POST",
      path: demoPath("b.example", "updateConsent", "b.example"),
      body: encodeConsentEntry({
        consentOperation: "grant",
        requesterUri: { uri: "mimi://b.example/u/bob" },
        targetUri: { uri: "mimi://d.example/u/dave" },
        clientKeyPackages: [],
        consent_extensions: { component_data: [] },
      }),
    },
    {
      comment: "Dave asks for Alice's key material without her consent: noConsent",
      to: "a.example",
      method: "POST",
      path: demoPath("a.example", "keyMaterial", "mimi://a.example/u/alice"),
      body: await dave.keyMaterialRequest("mimi://a.example/u/alice", ""),
    },
    {
      comment: "Dave asks the hub for the room's GroupInfo: he is not a participant",
      to: "a.example",
      method: "POST",
      path: demoPath("a.example", "groupInfo", ROOM),
      body: await dave.groupInfoRequest(ROOM),
    },
    {
      comment: "d.example replays the hub's last /notify body to b.example: only the room's hub may notify",
      to: "b.example",
      method: "POST",
      path: demoPath("b.example", "notify", ROOM),
      body: lastNotify.exchange.requestBody!,
    },
    {
      comment: `Dave looks up ${DEMO_HANDLES.bob} at b.example: Bob lets anyone find him by it`,
      to: "b.example",
      method: "POST",
      path: demoPath("b.example", "identifierQuery", "b.example"),
      body: query(DEMO_HANDLES.bob),
    },
    {
      comment:
        "Dave looks up mailto:bob@b.example, which Bob lets nobody find: the same answer as an unknown handle",
      to: "b.example",
      method: "POST",
      path: demoPath("b.example", "identifierQuery", "b.example"),
      body: query("mailto:bob@b.example"),
    },
    {
      comment: "Dave looks up a handle nobody has: notFound",
      to: "b.example",
      method: "POST",
      path: demoPath("b.example", "identifierQuery", "b.example"),
      body: query("mailto:nobody@b.example"),
    },
    {
      comment: "a request for a room the hub does not host: refused",
      to: "a.example",
      method: "POST",
      path: demoPath("a.example", "groupInfo", "mimi://a.example/r/nowhere"),
      body: await dave.groupInfoRequest("mimi://a.example/r/nowhere"),
    },
  ];
}

/** The outcome of a recorded run. */
export interface RecordedDemo {
  readonly report: ScenarioReport;
  readonly steps: readonly RecordedStep[];
  /** The outside peer's requests (sent by hand, recorded like the rest in the last step). */
  readonly peerCases: readonly PeerCase[];
}

/**
 * Run the demo scenario on a recorded federation with a seeded random stream and a logical clock,
 * then send the outside peer's requests: by default the ones {@link peerCases} builds; with
 * `sendAsPeer`, whatever it sends instead (the outside-peer test sends the requests of the
 * committed transcript, built by hand from their bytes).
 *
 * @throws InternalError when the scenario fails (a recorded run must be the whole demo).
 */
export async function recordDemo(
  sendAsPeer?: (fed: RecordedFederation, cases: readonly PeerCase[]) => Promise<void>,
): Promise<RecordedDemo> {
  // PGlite draws Math.random while its module loads, which happens once per process: load it
  // before the seeded section, so that the first run in a process draws what every later one does
  const { openDatabase } = await import("@mimi/provider");
  await (await openDatabase("memory://")).close();
  const clock = new LogicalClock();
  return withFixedClock(clock.now, () =>
    withSeededRandom(TRANSCRIPT_SEED, async () => {
      const fed = await startRecordedFederation(clock);
      try {
        const steps: RecordedStep[] = [];
        let taken = 0;
        const close = (name: string): void => {
          steps.push({ name, exchanges: ordered(fed.exchanges.slice(taken)) });
          taken = fed.exchanges.length;
        };
        const report = await runScenario(fed, {
          timeoutMs: 60_000,
          progress: (line) => close(line.replace(/^✓ /, "").replace(/ \(\d+ ms\)$/, "")),
        });
        if (!report.ok) {
          const bad = report.transcripts.filter((t) => !t.ok).map((t) => JSON.stringify(t));
          throw new Error(`the recorded demo run failed (${bad.join(", ")})`);
        }
        const cases = await peerCases(fed);
        if (sendAsPeer !== undefined) await sendAsPeer(fed, cases);
        else {
          for (const c of cases) {
            const to = fed.providers.find((p) => p.domain === c.to)!;
            await peerRequest(outsidePeer(fed.peer), peerTarget(to), c.method, c.path, c.body);
          }
        }
        await fed.settle();
        close("the outside peer d.example sends requests built by hand");
        return { report, steps, peerCases: cases };
      } finally {
        await fed.stop();
      }
    }),
  );
}

/**
 * The exchanges of one step grouped by sender and receiver (in that order of domains), each pair's
 * in the order they were answered: requests on different pairs may overlap in time.
 */
function ordered(list: readonly RecordedExchange[]): RecordedExchange[] {
  const key = (e: RecordedExchange): string => `${e.from} ${e.to}`;
  return list
    .map((e, i) => ({ e, i }))
    .sort((x, y) => (key(x.e) < key(y.e) ? -1 : key(x.e) > key(y.e) ? 1 : x.i - y.i))
    .map((x) => x.e);
}

/**
 * The endpoint name of a request path at provider `to`: a §5.1 endpoint in `to`'s path layout
 * (`/v1/…`, `/mimi/pl/…` or `/api/mimi/v6/…`, see `DEMO_PATH_LAYOUTS`), `ohttpGateway` for the
 * hub's OHTTP gateway (`/.well-known/ohttp-gateway`, decision 0672), `blobs` for an asset a
 * provider serves its peers (`/blobs/<id>`, decision 0670); undefined otherwise.
 */
export function endpointOf(to: string, path: string): string | undefined {
  if (path === "/.well-known/ohttp-gateway") return "ohttpGateway";
  if (/^\/blobs\/[^/]+$/.test(path)) return "blobs";
  return demoEndpointOf(to, path);
}

function caseOf(tcId: number, x: RecordedExchange, why: string | undefined): VectorCase {
  const e = x.exchange;
  const endpoint = endpointOf(x.to, e.path) ?? "";
  const bodies = endpointBodies[endpoint] ?? {};
  const json = e.contentType?.startsWith("application/json") === true;
  return {
    tcId,
    comment: `${x.from} → ${x.to}: ${e.method} ${endpoint} → ${e.status}${why === undefined ? "" : ` (${why})`}`,
    from: x.from,
    to: x.to,
    method: e.method,
    path: e.path,
    ...(bodies.request === undefined ? {} : { requestStruct: bodies.request }),
    request: toHex(e.requestBody ?? new Uint8Array()),
    status: e.status,
    ...(bodies.response === undefined || json || e.status >= 300 ? {} : { responseStruct: bodies.response }),
    responseType: e.contentType ?? "",
    response: toHex(e.responseBody ?? new Uint8Array()),
    ...(json ? { responseJson: JSON.parse(new TextDecoder().decode(e.responseBody)) as unknown } : {}),
    result: "valid",
    flags: [],
  };
}

/** The transcript vector file of a recorded run (pure: the same value for the same run). */
export function transcriptFile(run: RecordedDemo): Record<string, unknown> {
  let tcId = 1;
  const testGroups = run.steps.map((s, i) => ({
    type: i === run.steps.length - 1 ? "OutsidePeerExchange" : "FederationExchange",
    step: s.name,
    tests: s.exchanges.map((x) => {
      const body = toHex(x.exchange.requestBody ?? new Uint8Array());
      const peerCase = run.peerCases.find(
        (c) =>
          x.from === "d.example" && c.path === x.exchange.path && toHex(c.body ?? new Uint8Array()) === body,
      );
      return caseOf(tcId++, x, peerCase?.comment);
    }),
  }));
  return {
    $schema: "../../schema/mimi-protocol-federation-transcript.schema.json",
    algorithm: "mimi-protocol/federation-transcript",
    source:
      "draft-ietf-mimi-protocol-06 §3 call flows and §5 endpoints, run by the demo scenario (mimi demo) with draft-ietf-mimi-content-08 messages",
    generator: `pnpm mimi vectors generate (tools/demo/vectors/transcript.ts: three in-process providers over mutual TLS on loopback, seed "${TRANSCRIPT_SEED}", clock starting at ${new Date(RECORDED_TIME_MS).toISOString()}, one second more before each client action)`,
    numberOfTests: tcId - 1,
    header: [
      "Every protocol-06 request one provider sent another during a run of the demo scenario, with the answer, step by step (a group per step).",
      "Within a step, exchanges are grouped by sending and receiving provider; each pair's exchanges are in the order they were answered.",
      "request/response: the HTTP bodies (hex). requestStruct/responseStruct: the protocol-06 structure the body decodes as (`FanoutMessages`: a /notify body). responseJson: an error answer's JSON.",
      "The last group holds requests built by hand as the outside peer d.example (tools/demo/test/outside-peer.test.ts sends them again and compares the answers byte for byte).",
      "The provider CAs were issued at the frozen time and are valid for five years: regenerate with a later time before they expire.",
    ],
    notes: {},
    testGroups,
  };
}

/** The generated file of this area. */
export async function generateVectors(): Promise<readonly { path: string; content: string }[]> {
  const run = await recordDemo();
  return [
    {
      path: TRANSCRIPT_FILE.slice("generated/".length),
      content: `${JSON.stringify(transcriptFile(run), null, 2)}\n`,
    },
  ];
}

/** Check one case: its bodies decode as the structures it names and encode back to the same bytes. */
export function checkTranscriptCase(t: VectorCase): void {
  const endpoint = endpointOf(String(t["to"]), String(t["path"]));
  if (endpoint === undefined || !Object.hasOwn(endpointBodies, endpoint))
    throw new Error(`no protocol-06 endpoint at ${String(t["path"])}`);
  const status = Number(t["status"]);
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`bad status ${status}`);
  if (status >= 500) throw new Error(`a 5xx answer was recorded (${status})`);
  for (const side of ["request", "response"] as const) {
    const struct = t[`${side}Struct`];
    if (struct === undefined) continue;
    const hex = String(t[side]);
    const json = decodeStructToJson(String(struct), Buffer.from(hex, "hex"));
    const again = toHex(encodeStructFromJson(String(struct), json));
    if (again !== hex) throw new Error(`${side} re-encoded as ${again.slice(0, 64)}…`);
  }
}
