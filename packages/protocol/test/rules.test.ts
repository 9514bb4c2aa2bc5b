import { CodecError, encodeWith, ValidationError } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { handshakeBundleCodec } from "../src/handshake-bundle.js";
import { checkKeyMaterialResponse } from "../src/key-material-response.js";
import {
  signFrankingIntegrity,
  signGroupInfoRequest,
  signGroupInfoResponse,
  signKeyMaterialRequest,
  verifyFrankingIntegrity,
  verifyGroupInfoRequest,
  verifyGroupInfoResponse,
  verifyKeyMaterialRequest,
} from "../src/signatures.js";
import {
  decodeFanoutMessage,
  decodeKeyMaterialRequest,
  decodeSubmitMessageRequest,
  decodeUpdateRequest,
  encodeFanoutMessage,
  encodeKeyMaterialRequest,
  encodeSubmitMessageRequest,
} from "../src/structs.js";
import { checkSubmitMessageRequest } from "../src/submit-message-request.js";
import { type MlsFixtures, mlsFixtures } from "./support/fixtures.js";

let fx: MlsFixtures;
beforeAll(async () => {
  fx = await mlsFixtures();
});

const uri = (u: string) => ({ uri: u });

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

async function caughtAsync(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("signatures", () => {
  it("PROTO-KM-01 a key material request verifies, and a changed field or signature does not", async () => {
    const req = await signKeyMaterialRequest(
      {
        protocol: "mls10",
        requestingUser: uri("mimi://a.example/u/alice"),
        targetUser: uri("mimi://b.example/u/bob"),
        roomId: uri("mimi://a.example/r/clubhouse"),
        acceptableCiphersuites: [1],
        requiredCapabilities: fx.requiredCapabilities[0]!,
        requesterSignatureKey: fx.signer.publicKey,
        requesterCredential: fx.credentials[0]!,
      },
      fx.signer.signKey,
      fx.cs.signature,
    );
    const wire = decodeKeyMaterialRequest(encodeKeyMaterialRequest(req));
    await verifyKeyMaterialRequest(wire, fx.cs.signature);
    const other = { ...wire, targetUser: uri("mimi://b.example/u/mallory") };
    const e = await caughtAsync(() => verifyKeyMaterialRequest(other, fx.cs.signature));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).rule).toBe("PROTO-KM-01");
    const garbage = { ...wire, key_material_request_signature: new Uint8Array(3) };
    await expect(verifyKeyMaterialRequest(garbage, fx.cs.signature)).rejects.toThrow(ValidationError);
  });

  it("PROTO-GI-01 a GroupInfo request verifies, and a changed joiningCode does not", async () => {
    const req = await signGroupInfoRequest(
      {
        protocol: "mls10",
        cipher_suite: 1,
        requestingSignatureKey: fx.signer.publicKey,
        requestingCredential: fx.credentials[0]!,
        groupInfoPublicKey: new Uint8Array(32).fill(1),
        joiningCode: new Uint8Array([1, 2, 3]),
      },
      fx.signer.signKey,
      fx.cs.signature,
    );
    await verifyGroupInfoRequest(req, fx.cs.signature);
    const { joiningCode: _, ...noCode } = req;
    const e = await caughtAsync(() => verifyGroupInfoRequest(noCode, fx.cs.signature));
    expect((e as ValidationError).rule).toBe("PROTO-GI-01");
  });

  it("PROTO-GI-02 a GroupInfo response verifies with hub_sender's key; failures carry no signature", async () => {
    const res = await signGroupInfoResponse(
      {
        version: "mls10",
        room_id: new Uint8Array([1]),
        status: "success",
        cipher_suite: 1,
        hub_sender: fx.externalSenders[0]!,
        encrypted_groupinfo_and_tree: fx.hpkeCiphertexts[0]!,
      },
      fx.signer.signKey,
      fx.cs.signature,
    );
    await verifyGroupInfoResponse(res, fx.cs.signature);
    const e = await caughtAsync(() =>
      verifyGroupInfoResponse({ ...res, room_id: new Uint8Array([2]) }, fx.cs.signature),
    );
    expect((e as ValidationError).rule).toBe("PROTO-GI-02");
    await verifyGroupInfoResponse(
      { version: "mls10", room_id: new Uint8Array(), status: "noSuchRoom" },
      fx.cs.signature,
    );
  });

  it("PROTO-FRANK-01 the franking integrity signature verifies over FrankingIntegrityTBS", async () => {
    const tbs = {
      server_frank: new Uint8Array(32).fill(5),
      franking_signature_ciphersuite: 1,
      context: {
        sender_uri: uri("mimi://b.example/u/cathy"),
        room_uri: uri("mimi://a.example/r/clubhouse"),
        accepted_timestamp: 1_700_000_000_000n,
      },
    };
    const sig = await signFrankingIntegrity(tbs, fx.signer.signKey, fx.cs.signature);
    await verifyFrankingIntegrity(tbs, sig, fx.signer.publicKey, fx.cs.signature);
    const later = { ...tbs, context: { ...tbs.context, accepted_timestamp: 1_700_000_000_001n } };
    const e = await caughtAsync(() =>
      verifyFrankingIntegrity(later, sig, fx.signer.publicKey, fx.cs.signature),
    );
    expect((e as ValidationError).rule).toBe("PROTO-FRANK-01");
  });
});

describe("structural rules", () => {
  it("PROTO-UPD-01 a HandshakeBundle carries a PublicMessage proposal or commit, nothing else", () => {
    const body = new Uint8Array([...fx.privateMessages[0]!.bytes, 0x00]);
    const e = caught(() => decodeUpdateRequest(body));
    expect(e).toBeInstanceOf(CodecError);
    expect((e as CodecError).rule).toBe("PROTO-UPD-01");
    expect((e as CodecError).path).toBe("/bundle");
    const ok = encodeWith(handshakeBundleCodec, { proposalOrCommit: fx.proposals[0]!, moreProposals: [] });
    expect(decodeUpdateRequest(ok).bundle.proposalOrCommit.bytes).toEqual(fx.proposals[0]!.bytes);
  });

  it("PROTO-FAN-01 a FanoutMessage does not carry a KeyPackage or GroupInfo message", () => {
    const kpMessage = new Uint8Array([0, 1, 0, 5, ...fx.keyPackages[0]!.bytes]);
    const body = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, ...kpMessage]);
    const e = caught(() => decodeFanoutMessage(body));
    expect((e as CodecError).rule).toBe("PROTO-FAN-01");
    const welcome = encodeFanoutMessage({
      timestamp: 7n,
      message: fx.welcomeMessages[0]!,
      ratchetTreeOption: { representation: "full", ratchet_tree: fx.ratchetTrees[0]! },
    });
    expect(decodeFanoutMessage(welcome)).toMatchObject({
      timestamp: 7n,
      ratchetTreeOption: { representation: "full" },
    });
  });

  it("PROTO-SUB-01 a submitted message must be a PrivateMessage", () => {
    const good = decodeSubmitMessageRequest(
      encodeSubmitMessageRequest({
        protocol: "mls10",
        appMessage: fx.privateMessages[0]!,
        sendingUri: uri("mimi://b.example/u/cathy"),
      }),
    );
    checkSubmitMessageRequest(good);
    const bad = { ...good, appMessage: fx.commits[0]! };
    const e = caught(() => checkSubmitMessageRequest(bad));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).rule).toBe("PROTO-SUB-01");
  });

  it("PROTO-KM-03 failure codes other than noCompatibleMaterial come with no clients", () => {
    const client = {
      clientStatus: "keyMaterialExhausted" as const,
      clientUri: uri("mimi://b.example/d/bob/1"),
    };
    const base = { protocol: "mls10" as const, userUri: uri("mimi://b.example/u/bob") };
    checkKeyMaterialResponse({ ...base, userStatus: "partialSuccess", clients: [client] });
    checkKeyMaterialResponse({ ...base, userStatus: "noCompatibleMaterial", clients: [client] });
    checkKeyMaterialResponse({ ...base, userStatus: "noConsent", clients: [] });
    const e = caught(() => checkKeyMaterialResponse({ ...base, userStatus: "noConsent", clients: [client] }));
    expect((e as ValidationError).rule).toBe("PROTO-KM-03");
  });

  it("rejects a protocol other than mls10 (decision 0601)", () => {
    const body = new Uint8Array([2, 0]);
    expect(() => decodeSubmitMessageRequest(body)).toThrow(/unsupported protocol 2/);
    expect(() => decodeSubmitMessageRequest(new Uint8Array([0]))).toThrow(CodecError);
  });
});
