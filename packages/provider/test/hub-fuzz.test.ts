import { fc } from "@fast-check/vitest";
import {
  commitPending,
  createRoom,
  type MimiProfile,
  type MlsGroupState,
  sendContent,
} from "@mimi/mls-profile";
import {
  encodeAbuseReport,
  encodeKeyMaterialRequest,
  encodeSubmitMessageRequest,
  mlsOf,
  signKeyMaterialRequest,
} from "@mimi/protocol";
import { utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientProfile,
  commitRequest,
  keyPackageOf,
  peerClient,
  route,
  startTestProvider,
  stopTestProvider,
  type TestProvider,
} from "./hub-harness.js";
import type { TestClient } from "./support/https-client.js";

const room = "mimi://a.example/r/fuzz";
let A: TestProvider;
let bToA: TestClient;
let profile: MimiProfile;
let alice: MlsGroupState;
const valid: Record<string, Uint8Array> = {};

beforeAll(async () => {
  A = await startTestProvider("a.example", { hub: {} });
  bToA = peerClient("b.example", A);
  profile = await clientProfile(A.hub!);
  const kp = await keyPackageOf(profile.cs, "mimi://a.example/d/alice/1");
  alice = await createRoom(profile, { roomUri: room, keyPackage: kp, creatorRole: 2 });
  const { exportGroupInfo, encodeMlsMessage } = await import("@mimi/mls-profile");
  await A.hub!.createRoom(
    room,
    encodeMlsMessage(await exportGroupInfo(alice, profile.cs)),
    mlsOf("RatchetTree", alice.ratchetTree).bytes,
    "mimi://a.example/d/alice/1",
  );
  valid["update"] = await commitRequest(profile, await commitPending(profile, alice));
  const s = await sendContent(profile, alice, utf8("0123456789abcdef"), utf8("0123456789abcdef"));
  valid["submitMessage"] = encodeSubmitMessageRequest({
    protocol: "mls10",
    appMessage: mlsOf("MLSMessage", s.message),
    sendingUri: { uri: "mimi://b.example/u/bob" },
  });
  valid["keyMaterial"] = encodeKeyMaterialRequest(
    await signKeyMaterialRequest(
      {
        protocol: "mls10",
        requestingUser: { uri: "mimi://b.example/u/bob" },
        targetUser: { uri: "mimi://a.example/u/alice" },
        roomId: { uri: "" },
        acceptableCiphersuites: [1],
        requiredCapabilities: mlsOf("RequiredCapabilities", {
          extensionTypes: [],
          proposalTypes: [],
          credentialTypes: [],
        }),
        requesterSignatureKey: kp.publicPackage.leafNode.signaturePublicKey,
        requesterCredential: mlsOf("Credential", kp.publicPackage.leafNode.credential),
      },
      kp.privatePackage.signaturePrivateKey,
      profile.cs.impl.signature,
    ),
  );
  valid["reportAbuse"] = encodeAbuseReport({
    reportingUser: { uri: "mimi://b.example/u/bob" },
    allegedAbuserUri: { uri: "mimi://a.example/u/alice" },
    reasonCode: 0,
    note: "",
    messages: [],
    abuse_extensions: { component_data: [] } as never,
  });
  valid["groupInfo"] = new Uint8Array([1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0]);
});

afterAll(async () => {
  bToA?.close();
  if (A !== undefined) await stopTestProvider(A);
});

const params: Record<string, string> = {
  update: room,
  submitMessage: room,
  groupInfo: room,
  reportAbuse: room,
  keyMaterial: "mimi://a.example/u/alice",
};

/** A valid body with a few bytes changed, or cut short. */
const mutated = (name: string) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.option(fc.nat()),
    )
    .map(([flips, cut]) => {
      const b = new Uint8Array(valid[name]!);
      for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v;
      return cut === null ? b : b.subarray(0, cut % (b.length + 1));
    });

describe("fuzzed bodies at the hub's endpoints never give a 5xx", () => {
  for (const name of Object.keys(params)) {
    it(`${name}: random and mutated bodies get a 2xx or 4xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(name)), async (body) => {
          const res = await bToA.send({
            method: "POST",
            path: route(name, params[name]!),
            headers: { host: "a.example", from: "mimi@b.example" },
            body,
          });
          expect(res.status, `${res.status} ${res.body.toString().slice(0, 300)}`).toBeLessThan(500);
        }),
        { numRuns: 40 },
      );
    });
  }

  it("proxyDownload: random URLs get a 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.webUrl(), fc.string({ maxLength: 80 })), async (url) => {
        const res = await bToA.send({
          method: "GET",
          path: route("proxyDownload", url),
          headers: { host: "a.example", from: "mimi@b.example" },
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
