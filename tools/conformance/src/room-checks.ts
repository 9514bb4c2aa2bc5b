/**
 * The checks that need a room of the target the runner may join: with a joining code for it
 * (`--room`, `--joining-code`), the runner's client fetches the GroupInfo (§5.6), joins by
 * external commit (§5.3), commits, and sends messages (§5.4) as a follower would. Run in order:
 * each leaves its state in `ctx.memo` for the next.
 */

import { buildOriginal, encodeMimiContent } from "@mimi/content";
import {
  appDataDictionaryOf,
  commit,
  commitPending,
  createKeyPackage,
  decodeFrankingAgentData,
  decodeMlsMessage,
  decryptWithLabel,
  encodeMlsMessage,
  exportGroupInfo,
  findParticipant,
  getComponentData,
  joinRoomExternal,
  type KeyPackageBundle,
  loadCiphersuite,
  type MimiProfile,
  type MLSMessage,
  type MlsGroupState,
  makePskIndex,
  mimiCapabilities,
  mimiProfile,
  participantListOf,
  participantListProposal,
  sendContent,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import {
  type AbuseReport,
  decodeMls,
  endpoints,
  type Frank,
  type GroupInfoRatchetTreeTBE,
  groupInfoRatchetTreeTBECodec,
  type HandshakeBundle,
  mlsOf,
  signGroupInfoRequest,
  verifyFrankingIntegrity,
  verifyGroupInfoResponse,
} from "@mimi/protocol";
import { groupInfoEncryptionLabel, userUriOfCredential } from "@mimi/provider";
import { bytesEqual, decodeWith, utf8 } from "@mimi/wire";
import { type Check, expectAnswer, expectRefused, expectStatus } from "./check.js";
import { type CheckContext, fail, skip } from "./context.js";
import type { Outcome } from "./transport.js";

/**
 * An `/update` the target must refuse: a 4xx, or a 200 whose UpdateRoomResponse is not a success
 * (§5.3 answers a refused commit either way).
 */
function expectUpdateRefused(o: Outcome, what: string): void {
  if (o.kind === "answer" && o.status === 200) {
    if (endpoints.update.response.decode(o.body).responseCode === "success") fail(`${what} was accepted`);
    return;
  }
  expectRefused(o, what);
}

/** The runner's client in the room, as the checks advance. */
interface RoomState {
  readonly room: string;
  readonly kp: KeyPackageBundle;
  profile?: MimiProfile;
  tbe?: GroupInfoRatchetTreeTBE;
  /** After the external join. */
  joined?: MlsGroupState;
  /** After the runner's first commit as a member. */
  current?: MlsGroupState;
}

async function roomState(ctx: CheckContext): Promise<RoomState> {
  const room = ctx.config.room;
  if (room === undefined || ctx.config.joiningCode === undefined)
    skip("no room with a joining code configured (--room, --joining-code)");
  let s = ctx.memo.get("room") as RoomState | undefined;
  if (s === undefined) {
    const cs = await loadCiphersuite(ctx.cipherSuite);
    const kp = await createKeyPackage(cs, {
      credential: {
        credentialType: "basic",
        identity: utf8(`mimi://${ctx.runnerDomain}/d/conformance/room`),
      },
      capabilities: mimiCapabilities(),
    });
    s = { room, kp };
    ctx.memo.set("room", s);
  }
  return s;
}

/** `what` must have run before. */
function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) skip(`${what} did not pass`);
  return v;
}

/** Ask for the room's GroupInfo as the runner's client (with `code` or none). */
async function askGroupInfo(ctx: CheckContext, s: RoomState, code: Uint8Array | undefined) {
  const cs = await loadCiphersuite(ctx.cipherSuite);
  const hpke = await cs.impl.hpke.generateKeyPair();
  const request = await signGroupInfoRequest(
    {
      protocol: "mls10",
      cipher_suite: ctx.cipherSuite,
      requestingSignatureKey: s.kp.publicPackage.leafNode.signaturePublicKey,
      requestingCredential: mlsOf("Credential", s.kp.publicPackage.leafNode.credential),
      groupInfoPublicKey: await cs.impl.hpke.exportPublicKey(hpke.publicKey),
      ...(code === undefined ? {} : { joiningCode: code }),
    },
    s.kp.privatePackage.signaturePrivateKey,
    cs.impl.signature,
  );
  const o = await ctx.send("groupInfo", s.room, endpoints.groupInfo.request.encode(request));
  return { o, cs, privateKey: await cs.impl.hpke.exportPrivateKey(hpke.privateKey) };
}

/** The UpdateRequest of a commit with its new epoch's GroupInfo and tree (§5.3). */
async function commitBody(
  profile: MimiProfile,
  commit: MLSMessage,
  after: MlsGroupState,
  welcome?: MLSMessage,
): Promise<Uint8Array> {
  const gi = await exportGroupInfo(after, profile.cs);
  if (gi.wireformat !== "mls_group_info") throw new Error("no GroupInfo");
  const bundle: HandshakeBundle = {
    proposalOrCommit: mlsOf("MLSMessage", commit),
    ...(welcome === undefined || welcome.wireformat !== "mls_welcome"
      ? {}
      : { welcome: mlsOf("Welcome", welcome.welcome) }),
    groupInfoOption: { representation: "full", groupInfo: mlsOf("GroupInfo", gi.groupInfo) },
    ratchetTreeOption: {
      representation: "full",
      ratchet_tree: decodeMls("RatchetTree", mlsOf("RatchetTree", after.ratchetTree).bytes),
    },
  };
  return endpoints.update.request.encode({ bundle });
}

function updateAnswer(o: Outcome, what: string) {
  return expectAnswer(o, "update", what);
}

/** Flip a bit of the first `signature` field found in a decoded MLS message. */
function flipSignature(message: MLSMessage): MLSMessage {
  const copy = decodeMlsMessage(encodeMlsMessage(message));
  const seen = new Set<unknown>();
  const visit = (v: unknown): boolean => {
    if (v === null || typeof v !== "object" || seen.has(v)) return false;
    seen.add(v);
    const o = v as Record<string, unknown>;
    const sig = o["signature"];
    if (sig instanceof Uint8Array && sig.length > 0) {
      sig[0] = (sig[0] ?? 0) ^ 0x01;
      return true;
    }
    return Object.values(o).some(visit);
  };
  if (!visit(copy)) throw new Error("no signature in the commit");
  return copy;
}

/** Where `needle` first occurs in `haystack`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function submitBody(message: MLSMessage, sender: string): Uint8Array {
  return endpoints.submitMessage.request.encode({
    protocol: "mls10",
    appMessage: mlsOf("MLSMessage", message),
    sendingUri: { uri: sender },
  });
}

/** A MIMI content message of the runner's user in the room, encrypted (with its franking tag). */
async function message(
  ctx: CheckContext,
  room: string,
  profile: MimiProfile,
  state: MlsGroupState,
  text: string,
) {
  const content = buildOriginal({ senderUri: ctx.runnerUser, roomUri: room, text });
  const bytes = encodeMimiContent(content);
  return { ...(await sendContent(profile, state, bytes, content.salt)), content: bytes };
}

/** The message CONF-SUB-03 got accepted, with its frank. */
interface Franked {
  readonly content: Uint8Array;
  readonly frank: Frank;
  readonly accepted_timestamp: bigint;
}

function report(ctx: CheckContext, m: Franked): Uint8Array {
  return endpoints.reportAbuse.request.encode({
    reportingUser: { uri: ctx.runnerUser },
    allegedAbuserUri: { uri: ctx.runnerUser },
    reasonCode: 0,
    note: "conformance: a report of the runner's own message",
    messages: [{ message_content: m.content, frank: m.frank, accepted_timestamp: m.accepted_timestamp }],
    abuse_extensions: { component_data: [] },
  } as AbuseReport);
}

export const roomChecks: readonly Check[] = [
  {
    id: "CONF-GI-04",
    requirement: "PROTO-JC-04",
    section: "§5.6",
    level: "MUST",
    title: "a non-participant without a joining code gets no GroupInfo (notAuthorized)",
    async run(ctx) {
      const s = await roomState(ctx);
      const { o } = await askGroupInfo(ctx, s, undefined);
      if (o.kind === "answer" && o.status === 200) {
        const r = endpoints.groupInfo.response.decode(o.body);
        if (r.status === "success") fail("the GroupInfo was given without a code");
        return;
      }
      expectRefused(o, "groupInfo without a code");
    },
  },
  {
    id: "CONF-GI-05",
    requirement: "PROTO-GI-02",
    section: "§5.6",
    level: "MUST",
    title:
      "with a joining code the hub answers the GroupInfo and tree, signed by its hub_sender, encrypted to the requester",
    async run(ctx) {
      const s = await roomState(ctx);
      const { o, cs, privateKey } = await askGroupInfo(ctx, s, ctx.config.joiningCode);
      const r = expectAnswer(o, "groupInfo", "groupInfo with a joining code");
      if (r.status !== "success" || !("encrypted_groupinfo_and_tree" in r))
        return fail(`answered ${r.status}`);
      try {
        await verifyGroupInfoResponse(r, cs.impl.signature);
      } catch (e) {
        fail(`the response's signature does not verify: ${(e as Error).message}`);
      }
      let tbe: GroupInfoRatchetTreeTBE;
      try {
        const plain = await decryptWithLabel(
          cs.impl,
          privateKey,
          groupInfoEncryptionLabel,
          utf8(s.room),
          r.encrypted_groupinfo_and_tree.value,
        );
        tbe = decodeWith(groupInfoRatchetTreeTBECodec, plain);
      } catch (e) {
        return fail(`the GroupInfo does not decrypt: ${(e as Error).message}`);
      }
      s.tbe = tbe;
      s.profile = mimiProfile({
        cs,
        authService: unsafeAcceptAllCredentials,
        hub: r.hub_sender.value,
        userOf: (c) => utf8(userUriOfCredential(c) ?? "?"),
      });
    },
  },
  {
    id: "CONF-UPD-03",
    requirement: "PROTO-JC-05",
    section: "§5.3",
    level: "MUST",
    title: "an external commit authorized by the joining code is accepted",
    async run(ctx) {
      const s = await roomState(ctx);
      const tbe = need(s.tbe, "CONF-GI-05");
      const profile = need(s.profile, "CONF-GI-05");
      if (tbe.ratchetTreeOption.representation !== "full") skip("the hub sent no full ratchet tree");
      const joined = await joinRoomExternal(
        profile,
        tbe.groupInfo.value,
        s.kp,
        tbe.ratchetTreeOption.ratchet_tree.value,
        { role: ctx.config.joiningRole ?? 2 },
      );
      const r = updateAnswer(
        await ctx.send("update", s.room, await commitBody(profile, joined.commit, joined.state)),
        "external commit",
      );
      if (r.responseCode !== "success") fail(`answered ${r.responseCode}: ${r.errorDescription}`);
      s.joined = joined.state;
    },
  },
  {
    id: "CONF-UPD-04",
    requirement: "PROTO-HUB-02",
    section: "§5.3",
    level: "MUST",
    title: "a member's valid commit is accepted with its timestamp",
    async run(ctx) {
      const s = await roomState(ctx);
      const joined = need(s.joined, "CONF-UPD-03");
      const profile = need(s.profile, "CONF-GI-05");
      const a = await commitPending(profile, joined);
      const r = updateAnswer(
        await ctx.send("update", s.room, await commitBody(profile, a.commit, a.state)),
        "a commit",
      );
      if (r.responseCode !== "success") fail(`answered ${r.responseCode}: ${r.errorDescription}`);
      s.current = a.state;
      // a second commit of the same epoch, from the state before this one, for the next check
      const b = await commitPending(profile, joined);
      ctx.memo.set("secondCommit", await commitBody(profile, b.commit, b.state));
    },
  },
  {
    id: "CONF-UPD-05",
    requirement: "PROTO-HUB-01",
    section: "§5.3",
    level: "MUST",
    title: "a second commit for an epoch already committed is refused (wrongEpoch)",
    async run(ctx) {
      const s = await roomState(ctx);
      const body = need(ctx.memo.get("secondCommit") as Uint8Array | undefined, "CONF-UPD-04");
      const o = await ctx.send("update", s.room, body);
      expectUpdateRefused(o, "a second commit of the same epoch");
    },
  },
  {
    id: "CONF-UPD-06",
    requirement: "PROTO-HUB-02",
    section: "§5.3",
    level: "MUST",
    title: "a commit whose signature does not verify is refused",
    async run(ctx) {
      const s = await roomState(ctx);
      const current = need(s.current, "CONF-UPD-04");
      const profile = need(s.profile, "CONF-GI-05");
      const c = await commitPending(profile, current);
      const o = await ctx.send("update", s.room, await commitBody(profile, flipSignature(c.commit), c.state));
      expectUpdateRefused(o, "a commit with a bad signature");
    },
  },
  {
    id: "CONF-UPD-07",
    requirement: "PROTO-HUB-02",
    section: "§5.3",
    level: "MUST",
    title: "a commit whose MLSMessage no longer decodes (a corrupted version field) is refused",
    async run(ctx) {
      const s = await roomState(ctx);
      const current = need(s.current, "CONF-UPD-04");
      const profile = need(s.profile, "CONF-GI-05");
      const c = await commitPending(profile, current);
      const body = await commitBody(profile, c.commit, c.state);
      // the UpdateRequest stays framed as it was; only the Commit's MLSMessage inside is corrupted:
      // its version (mls10, 0x0001) becomes 0xffff, which no MLS decoder takes
      const commitBytes = encodeMlsMessage(c.commit);
      const at = indexOf(body, commitBytes);
      if (at < 0) throw new Error("the commit is not in its UpdateRequest");
      const corrupted = Uint8Array.from(body);
      corrupted[at] = 0xff;
      corrupted[at + 1] = 0xff;
      const o = await ctx.send("update", s.room, corrupted);
      expectUpdateRefused(o, "a commit that does not decode");
    },
  },
  {
    id: "CONF-UPD-08",
    requirement: "PROTO-HUB-03",
    section: "§5.3",
    level: "MUST",
    title:
      "a commit room policy forbids (the joined member makes itself super_admin, role 4) is refused (notAllowed)",
    async run(ctx) {
      const s = await roomState(ctx);
      const current = need(s.current, "CONF-UPD-04");
      const profile = need(s.profile, "CONF-GI-05");
      const me = profile.userOf(s.kp.publicPackage.leafNode.credential);
      const index = findParticipant(participantListOf(profile, current), me);
      if (index < 0) return fail("the runner's user is not in the participant list after joining");
      // built below the client facade, which would refuse it: a participant-list change of the
      // member's own role to 4, which an ordinary user (the joining code's role) may not make
      // (draft-ietf-mimi-room-policy-03 §8, the room's authorized_role_changes)
      const c = await commit(current, profile.cs, {
        proposals: [
          participantListProposal(profile, {
            changedRoleParticipants: [{ user_index: index, role_index: 4 }],
            removedIndices: [],
            addedParticipants: [],
          }),
        ],
        publicMessage: true,
        pskIndex: makePskIndex(current, {}),
      });
      const o = await ctx.send("update", s.room, await commitBody(profile, c.commit, c.state));
      expectUpdateRefused(o, "a commit room policy forbids");
    },
  },
  {
    id: "CONF-SUB-03",
    requirement: "PROTO-SUBMIT-05",
    section: "§5.4",
    level: "MUST",
    title: "a member's message of the current epoch is accepted with its timestamp",
    async run(ctx) {
      const s = await roomState(ctx);
      const current = need(s.current, "CONF-UPD-04");
      const profile = need(s.profile, "CONF-GI-05");
      const m = await message(ctx, s.room, profile, current, "conformance message");
      const r = expectAnswer(
        await ctx.send("submitMessage", s.room, submitBody(m.message, ctx.runnerUser)),
        "submitMessage",
        "a member's message",
      );
      if (r.statusCode !== "accepted") fail(`answered ${r.statusCode}`);
      if (!("accepted_timestamp" in r) || r.accepted_timestamp <= 0n) return fail("no accepted_timestamp");
      s.current = m.state;
      ctx.memo.set("accepted", { frank: r.frank, accepted_timestamp: r.accepted_timestamp });
      if (r.frank !== undefined)
        ctx.memo.set("franked", {
          content: m.content,
          frank: r.frank,
          accepted_timestamp: r.accepted_timestamp,
        });
    },
  },
  {
    id: "CONF-SUB-04",
    requirement: "PROTO-SUBMIT-02",
    section: "§5.4",
    level: "MUST",
    title: "a message of an older epoch is refused with epochTooOld and the current epoch",
    async run(ctx) {
      const s = await roomState(ctx);
      const joined = need(s.joined, "CONF-UPD-03");
      const current = need(s.current, "CONF-UPD-04");
      const profile = need(s.profile, "CONF-GI-05");
      const m = await message(ctx, s.room, profile, joined, "conformance stale message");
      const o = await ctx.send("submitMessage", s.room, submitBody(m.message, ctx.runnerUser));
      const r = expectAnswer(o, "submitMessage", "a stale message");
      if (r.statusCode !== "epochTooOld") fail(`answered ${r.statusCode}`);
      if ("currentEpoch" in r && r.currentEpoch !== current.groupContext.epoch)
        fail(`currentEpoch ${r.currentEpoch}, the room is at ${current.groupContext.epoch}`);
    },
  },
  {
    id: "CONF-SUB-05",
    requirement: "PROTO-SUBMIT-04",
    section: "§5.4",
    level: "MUST",
    title: "a message whose sendingUri is not a participant is refused",
    async run(ctx) {
      const s = await roomState(ctx);
      const current = need(s.current, "CONF-UPD-04");
      const profile = need(s.profile, "CONF-GI-05");
      const m = await message(ctx, s.room, profile, current, "conformance message of a stranger");
      const o = await ctx.send(
        "submitMessage",
        s.room,
        submitBody(m.message, `mimi://${ctx.runnerDomain}/u/conformance-stranger`),
      );
      if (o.kind === "answer" && o.status === 200) {
        const r = endpoints.submitMessage.response.decode(o.body);
        if (r.statusCode === "accepted") fail("accepted a message of a non-participant");
        return;
      }
      expectRefused(o, "a message of a non-participant");
    },
  },
  {
    id: "CONF-ABUSE-02",
    requirement: "PROTO-ABUSE-01",
    section: "§5.9",
    level: "MUST",
    title: "an abuse report of a franked message with the hub's frank is accepted",
    async run(ctx) {
      const s = await roomState(ctx);
      const m = need(ctx.memo.get("franked") as Franked | undefined, "a franked message (CONF-SUB-03)");
      expectStatus(await ctx.send("reportAbuse", s.room, report(ctx, m)), 201, "an abuse report");
    },
  },
  {
    id: "CONF-ABUSE-03",
    requirement: "PROTO-ABUSE-01",
    section: "§5.9",
    level: "MUST",
    title: "an abuse report whose server_frank the hub did not issue is refused",
    async run(ctx) {
      const s = await roomState(ctx);
      const m = need(ctx.memo.get("franked") as Franked | undefined, "a franked message (CONF-SUB-03)");
      const forged = Uint8Array.from(m.frank.server_frank);
      forged[0] = (forged[0] ?? 0) ^ 0x01;
      expectRefused(
        await ctx.send(
          "reportAbuse",
          s.room,
          report(ctx, { ...m, frank: { ...m.frank, server_frank: forged } }),
        ),
        "an abuse report with a forged frank",
      );
    },
  },
  {
    id: "CONF-SUB-06",
    requirement: "PROTO-FRANK-01",
    section: "§5.4.1",
    level: "MUST",
    title: "when the hub is the room's franking agent, an accepted message carries a frank it signed",
    async run(ctx) {
      const s = await roomState(ctx);
      const profile = need(s.profile, "CONF-GI-05");
      const current = need(s.current, "CONF-SUB-03");
      const accepted = need(
        ctx.memo.get("accepted") as { frank?: Frank; accepted_timestamp: bigint } | undefined,
        "CONF-SUB-03",
      );
      const dict = appDataDictionaryOf(current.groupContext.extensions, profile.codePoints);
      const data =
        dict === undefined
          ? undefined
          : getComponentData(dict, profile.codePoints.componentIds.franking_agent);
      const hubKey = profile.hub.signaturePublicKey;
      if (data === undefined || !bytesEqual(decodeFrankingAgentData(data).franking_signature_key, hubKey))
        skip("the hub is not the room's franking agent");
      const frank = accepted.frank;
      if (frank === undefined) return fail("accepted without a frank");
      try {
        await verifyFrankingIntegrity(
          {
            server_frank: frank.server_frank,
            franking_signature_ciphersuite: frank.franking_signature_ciphersuite,
            context: {
              sender_uri: { uri: ctx.runnerUser },
              room_uri: { uri: s.room },
              accepted_timestamp: accepted.accepted_timestamp,
            },
          },
          frank.franking_integrity_signature,
          hubKey,
          profile.cs.impl.signature,
        );
      } catch (e) {
        fail(`the franking signature does not verify: ${(e as Error).message}`);
      }
    },
  },
];
