/**
 * The hub's decision on a commit (draft-ietf-mimi-protocol-06 §5.3, §5.5): a pure function of the
 * room's view, its room-policy state, the joining code granted to the bundle's external joiner and
 * the bundle — no I/O, no database, and no clock (the time is an input). It answers a rejection
 * naming the requirement the commit fails, or an acceptance with the new view and everything to
 * persist: the commit's and the Welcome's fanout messages with their recipients, the GroupInfo and
 * ratchet tree to serve, and the joining code to spend. `update.ts` gathers the inputs, decides,
 * and persists the decision through `store.ts`.
 */
import type { Credential, GroupInfo, MLSMessage, PublicMessage } from "@mimi/mls-profile";
import {
  extensionTypeNumber,
  type HubCommitEvent,
  type HubGroupView,
  hubGroupMembers,
  makeKeyPackageRef,
  processHubMessage,
  verifyHubGroupInfo,
} from "@mimi/mls-profile";
import type { GroupInfoOption, HandshakeBundle, UpdateRoomResponse } from "@mimi/protocol";
import {
  encodeFanoutMessage,
  externalPubExtensionType,
  type Mls,
  mlsOf,
  ratchetTreeExtensionType,
} from "@mimi/protocol";
import { type Actor, authorize, type RoomState } from "@mimi/room-policy";
import { MimiError, toHex, ValidationError } from "@mimi/wire";
import { clientUriOfCredential, domainOfUri } from "./credentials.js";
import { policyCodeName, type StoredJoinCode } from "./join-codes.js";
import { changeOf, clientAtLeaf, memberClientOf } from "./room-policy.js";

/** A HandshakeBundle carrying a commit (with its GroupInfoOption). */
export type CommitBundle = Extract<HandshakeBundle, { readonly groupInfoOption: GroupInfoOption }>;

/** What {@link decideCommit} decides on. */
export interface CommitDecisionInput {
  /** The hub's view of the room's group, before the commit. */
  readonly view: HubGroupView;
  /** The room-policy state of `view` (participants, roles, clients). */
  readonly policy: RoomState;
  /** The authenticated provider submitting the bundle. */
  readonly peerDomain: string;
  readonly bundle: CommitBundle;
  /**
   * The usable joining code granted at `/groupInfo` to the bundle's external joiner (the one
   * {@link externalJoinerOf} names), if any.
   */
  readonly joinCode?: StoredJoinCode;
  /** The acceptance time, ms since the UNIX epoch. */
  readonly now: number;
}

/** A refused commit: the answer, and the requirement it fails. */
export interface CommitRejection {
  readonly accepted: false;
  readonly response: UpdateRoomResponse;
  /** The requirement ID the commit fails (e.g. `PROTO-HUB-06`, or the hub view's `MLS-HUB-*` rule). */
  readonly requirement: string;
}

/** An accepted commit: the new view and what to persist and send. */
export interface CommitAcceptance {
  readonly accepted: true;
  readonly next: HubGroupView;
  readonly event: HubCommitEvent;
  /** `accepted_timestamp` of the answer and of the fanout messages. */
  readonly timestamp: bigint;
  /** The commit's FanoutMessage, for every provider with a member before or after the commit. */
  readonly commit: { readonly body: Uint8Array; readonly domains: readonly string[] };
  /** The Welcome's FanoutMessage, for the providers of the KeyPackages it adds. */
  readonly welcome?: { readonly body: Uint8Array; readonly domains: readonly string[] };
  /** The new epoch's GroupInfo (an MLSMessage) and ratchet tree, served to external joiners. */
  readonly groupInfo: {
    readonly epoch: bigint;
    readonly message: Uint8Array;
    readonly ratchetTree: Uint8Array;
  };
  /** The joining code the commit used: spend one use, and drop the joiner's grant. */
  readonly spendJoinCode?: { readonly code: StoredJoinCode; readonly signatureKey: Uint8Array };
}

/** The hub's decision on a commit. */
export type CommitDecision = CommitRejection | CommitAcceptance;

const notAllowed = (errorDescription: string, requirement: string): CommitRejection => ({
  accepted: false,
  response: { responseCode: "notAllowed", errorDescription },
  requirement,
});

/** The answer to a handshake of another epoch than the room's (PROTO-HUB-01). */
export const wrongEpoch = (currentEpoch: bigint): UpdateRoomResponse => ({
  responseCode: "wrongEpoch",
  errorDescription: `the room is in epoch ${currentEpoch}`,
  currentEpoch,
});

/** The provider domains of a view's members. */
export function memberDomains(view: HubGroupView): string[] {
  const out = new Set<string>();
  for (const m of hubGroupMembers(view)) {
    const c = clientUriOfCredential(m.credential);
    const d = c === undefined ? undefined : domainOfUri(c);
    if (d !== undefined) out.add(d);
  }
  return [...out];
}

/** Who sent a handshake, as room policy sees it. */
export interface Sender {
  readonly actor: Actor;
  /** The sending client's provider (undefined for an external sender). */
  readonly domain: string | undefined;
  readonly external?: "commit" | "proposal";
}

/** The sender of a PublicMessage handshake, or why it has none the hub accepts. */
export function senderOf(view: HubGroupView, pm: PublicMessage): Sender | string {
  const s = pm.content.sender;
  if (s.senderType === "member") {
    const c = clientAtLeaf(view, s.leafIndex);
    if (c === undefined) return `sender leaf ${s.leafIndex} names no MIMI client`;
    return { actor: { user: c.user, client: c.client }, domain: domainOfUri(c.client) };
  }
  let credential: Credential | undefined;
  if (s.senderType === "new_member_commit" && pm.content.contentType === "commit")
    credential = pm.content.commit.path?.leafNode.credential;
  if (
    s.senderType === "new_member_proposal" &&
    pm.content.contentType === "proposal" &&
    pm.content.proposal.proposalType === "add"
  )
    credential = pm.content.proposal.add.keyPackage.leafNode.credential;
  if (credential !== undefined) {
    const c = memberClientOf(credential);
    if (c === undefined) return "the joining client's credential names no MIMI client";
    return {
      actor: { user: c.user, client: c.client },
      domain: domainOfUri(c.client),
      external: s.senderType === "new_member_commit" ? "commit" : "proposal",
    };
  }
  return `${s.senderType} senders cannot use /update`;
}

/**
 * [PROTO-HUB-05] draft-ietf-mimi-protocol-06 §5.3: once a participant is removed or banned, the hub
 * MUST prevent that user's clients from sending Commits and any proposal other than Remove and
 * SelfRemove. A member client whose user is not in the participant list, or holds the banned role
 * (1), is blocked.
 */
export function blocked(policy: RoomState, sender: Sender): boolean {
  if (sender.external !== undefined || sender.actor.client === undefined) return false;
  const entry = policy.participants.find((p) => p.user === sender.actor.user);
  return entry === undefined || entry.role_index === 1;
}

/** Why `peerDomain` may not submit for `sender`, or undefined when it may. */
export function wrongSenderDomain(peerDomain: string, sender: Sender): string | undefined {
  // [PROTO-HUB-10] draft-ietf-mimi-protocol-06 §4.1, §5.3: a provider submits handshakes of its
  // own clients only (the authenticated peer is the sending client's provider).
  if (sender.domain !== undefined && sender.domain !== peerDomain)
    return `${peerDomain} cannot submit for a client of ${sender.domain}`;
  return undefined;
}

/** A rejection's text: the error and its rule; anything but a MimiError is a bug and rethrown. */
export function errorText(e: unknown): string {
  if (e instanceof MimiError) return `${e.what}${e.rule === undefined ? "" : ` [${e.rule}]`}`;
  throw e;
}

const ruleOf = (e: unknown, otherwise: string): string =>
  e instanceof MimiError && e.rule !== undefined ? e.rule : otherwise;

/**
 * The new epoch's GroupInfo from a commit's GroupInfoOption, checked against the hub's view after
 * the commit: a full GroupInfo as sent, a PartialGroupInfo completed from the view (decision 0660).
 *
 * @throws ValidationError when the GroupInfo does not match the view or its signature fails
 * (MLS-HUB-16), or the PartialGroupInfo breaks PROTO-PGI-01/02.
 */
export async function groupInfoOfBundle(
  next: HubGroupView,
  committer: number,
  option: GroupInfoOption,
): Promise<GroupInfo> {
  if (option.representation === "full") return verifyHubGroupInfo(next, option.groupInfo.value);
  const partial = option.partialGroupInfo;
  // [PROTO-PGI-01] draft-mahy-mls-ratchet-tree-options-03 §4, draft-ietf-mimi-protocol-06 §5.3: the
  // GroupInfo a hub serves omits the ratchet_tree, so a PartialGroupInfo must say no_ratchet_tree
  // (decision 0660).
  if (partial.ratchet_tree_presence !== "no_ratchet_tree")
    throw new ValidationError(
      `ratchet_tree_presence ${String(partial.ratchet_tree_presence)}: only no_ratchet_tree is accepted`,
      { path: "/groupInfoOption/partialGroupInfo/ratchet_tree_presence", rule: "PROTO-PGI-01" },
    );
  // [PROTO-PGI-02] draft-mahy-mls-ratchet-tree-options-03 §4, RFC 9420 §12.4.3.1: group_info_extensions
  // hold no ratchet_tree, exactly one external_pub (external joiners need it) and no type twice
  // (decision 0660).
  const types = partial.group_info_extensions.map((e) => extensionTypeNumber(e.value));
  const path = "/groupInfoOption/partialGroupInfo/group_info_extensions";
  if (new Set(types).size !== types.length)
    throw new ValidationError("an extension type appears twice", { path, rule: "PROTO-PGI-02" });
  if (types.includes(ratchetTreeExtensionType))
    throw new ValidationError("a ratchet_tree extension", { path, rule: "PROTO-PGI-02" });
  if (!types.includes(externalPubExtensionType))
    throw new ValidationError("no external_pub extension", { path, rule: "PROTO-PGI-02" });
  // The rest is the hub's: its GroupContext after the commit, the commit's confirmation_tag and the
  // committer's leaf as signer; verifyHubGroupInfo checks the committer's signature (MLS-HUB-16).
  return verifyHubGroupInfo(next, {
    groupContext: next.groupContext,
    extensions: partial.group_info_extensions.map((e) => e.value),
    confirmationTag: next.confirmationTag,
    signer: committer,
    signature: partial.signature,
  });
}

function publicMessageOf(bundle: CommitBundle): PublicMessage | undefined {
  const m = bundle.proposalOrCommit.value;
  return m.wireformat === "mls_public_message" ? m.publicMessage : undefined;
}

/**
 * The external joiner of a commit bundle — the signature key of its new leaf and its client URI —
 * whose joining-code grant the caller looks up before deciding; undefined for a member's commit.
 */
export function externalJoinerOf(
  view: HubGroupView,
  bundle: CommitBundle,
): { readonly signatureKey: Uint8Array; readonly clientUri: string } | undefined {
  const pm = publicMessageOf(bundle);
  if (pm === undefined || pm.content.contentType !== "commit") return undefined;
  const sender = senderOf(view, pm);
  if (typeof sender === "string" || sender.external !== "commit" || sender.actor.client === undefined)
    return undefined;
  const signatureKey = pm.content.commit.path?.leafNode.signaturePublicKey;
  return signatureKey === undefined ? undefined : { signatureKey, clientUri: sender.actor.client };
}

/**
 * Decide a commit: the sender checks, the hub view, room policy (with a joining code), the
 * GroupInfo and the Welcome's routing. Pure: the same input always gives the same decision.
 *
 * @throws Error only on a bug (a failure other than a MimiError).
 */
export async function decideCommit(input: CommitDecisionInput): Promise<CommitDecision> {
  const { view, policy, bundle } = input;
  const pm = publicMessageOf(bundle);
  if (pm === undefined)
    return notAllowed("only PublicMessage handshakes are accepted (decision 0604)", "PROTO-HUB-02");
  const epoch = view.groupContext.epoch;
  // [PROTO-HUB-01] draft-ietf-mimi-protocol-06 §5.3: a handshake for another epoch than the
  // hub's current one is answered wrongEpoch with the current epoch.
  if (pm.content.epoch !== epoch)
    return { accepted: false, response: wrongEpoch(epoch), requirement: "PROTO-HUB-01" };
  const sender = senderOf(view, pm);
  if (typeof sender === "string") return notAllowed(sender, "PROTO-HUB-03");
  const wrongDomain = wrongSenderDomain(input.peerDomain, sender);
  if (wrongDomain !== undefined) return notAllowed(wrongDomain, "PROTO-HUB-10");
  if (blocked(policy, sender))
    return notAllowed(`${sender.actor.user} is not an active participant [PROTO-HUB-05]`, "PROTO-HUB-05");
  // [PROTO-HUB-02] draft-ietf-mimi-protocol-06 §5.3: the hub validates every commit against its
  // view of the group (RFC 9420 §12.4.2 as far as a non-member can, MLS-HUB-*).
  let next: HubGroupView;
  let event: HubCommitEvent;
  try {
    const r = await processHubMessage(view, bundle.proposalOrCommit.bytes);
    if (r.event.kind !== "commit") return notAllowed("not a commit", "PROTO-HUB-02");
    next = r.view;
    event = r.event;
  } catch (e) {
    return notAllowed(errorText(e), ruleOf(e, "PROTO-HUB-02"));
  }
  // [PROTO-HUB-03] draft-ietf-mimi-protocol-06 §5.3, §7.1: participant-list and membership
  // changes are authorized by room policy (draft-ietf-mimi-room-policy-03 §8) against the room
  // state before the commit; an Add of a user not in the participant list needs the list change
  // in the same or an earlier commit.
  let change: ReturnType<typeof changeOf>;
  try {
    change = changeOf(view, sender.actor, event.proposals, {
      sentAs: "commit",
      ...(sender.external === undefined ? {} : { external: sender.external }),
    });
  } catch (e) {
    return notAllowed(errorText(e), ruleOf(e, "PROTO-HUB-03"));
  }
  // [PROTO-JC-05] draft-ietf-mimi-protocol-06 §5.6, draft-ietf-mimi-room-policy-03 §8.1.1: an
  // external commit by a client that was given the GroupInfo for a joining code is authorized with
  // that code (canUseJoinCode, POLICY-JOIN-01): the joiner's new leaf must have the signature key
  // and client URI of the GroupInfoRequest; the code is spent when the commit is accepted.
  const joiner = externalJoinerOf(view, bundle);
  const joinCode = joiner === undefined ? undefined : input.joinCode;
  let state = policy;
  if (joinCode !== undefined) {
    state = { ...state, joinCodes: [{ code: policyCodeName(joinCode), role_index: joinCode.role_index }] };
    change = { ...change, joinCode: policyCodeName(joinCode) };
  }
  const verdict = authorize(state, change);
  if (!verdict.allowed) return notAllowed(`${verdict.reason} [${verdict.rule}]`, verdict.rule);

  // [PROTO-HUB-07] draft-ietf-mimi-protocol-06 §5.3: the committer provides the new epoch's
  // GroupInfo, full or partial; the hub keeps it only if it matches its own view (MLS-HUB-16), to
  // serve external joiners (§5.6).
  let groupInfo: GroupInfo;
  try {
    groupInfo = await groupInfoOfBundle(next, event.committer, bundle.groupInfoOption);
  } catch (e) {
    return notAllowed(errorText(e), ruleOf(e, "PROTO-HUB-07"));
  }
  const groupInfoMessage = mlsOf("MLSMessage", {
    version: "mls10",
    wireformat: "mls_group_info",
    groupInfo,
  }).bytes;
  const tree = mlsOf("RatchetTree", next.ratchetTree);

  // [PROTO-HUB-06] draft-ietf-mimi-protocol-06 §5.5: a Welcome goes to the providers of the
  // KeyPackages it adds; every secret of the Welcome must name a KeyPackage this commit adds, and
  // a commit adding clients must come with their Welcome.
  const addedRefs = new Map<string, string>();
  for (const p of event.proposals) {
    if (p.proposalType !== "add") continue;
    const ref = await makeKeyPackageRef(next.cipherSuite, p.add.keyPackage);
    const client = clientUriOfCredential(p.add.keyPackage.leafNode.credential);
    const d = client === undefined ? undefined : domainOfUri(client);
    if (d === undefined) return notAllowed("an added KeyPackage names no MIMI client", "PROTO-HUB-06");
    addedRefs.set(toHex(ref), d);
  }
  const welcomeDomains = new Set<string>();
  if (bundle.welcome !== undefined) {
    for (const [i, s] of bundle.welcome.value.secrets.entries()) {
      const d = addedRefs.get(toHex(s.newMember));
      if (d === undefined)
        return notAllowed(
          `Welcome secret ${i} names no KeyPackage this commit adds [PROTO-HUB-06]`,
          "PROTO-HUB-06",
        );
      welcomeDomains.add(d);
    }
    if (welcomeDomains.size === 0) return notAllowed("an empty Welcome [PROTO-HUB-06]", "PROTO-HUB-06");
  } else if (addedRefs.size > 0) {
    return notAllowed("a commit adding clients needs their Welcome [PROTO-HUB-06]", "PROTO-HUB-06");
  }

  const timestamp = BigInt(input.now);
  return {
    accepted: true,
    next,
    event,
    timestamp,
    // The commit goes to every provider with a member before it (so removed members' providers
    // get the commit removing them) and after it.
    commit: {
      body: encodeFanoutMessage({ timestamp, message: bundle.proposalOrCommit, externalProposals: [] }),
      domains: [...new Set([...memberDomains(view), ...memberDomains(next)])],
    },
    ...(bundle.welcome === undefined
      ? {}
      : {
          welcome: {
            body: encodeFanoutMessage({
              timestamp,
              message: mlsOf("MLSMessage", {
                version: "mls10",
                wireformat: "mls_welcome",
                welcome: bundle.welcome.value,
              }) as Mls<MLSMessage>,
              ratchetTreeOption: { representation: "full", ratchet_tree: tree },
            }),
            domains: [...welcomeDomains],
          },
        }),
    groupInfo: { epoch: next.groupContext.epoch, message: groupInfoMessage, ratchetTree: tree.bytes },
    ...(joinCode === undefined || joiner === undefined
      ? {}
      : { spendJoinCode: { code: joinCode, signatureKey: joiner.signatureKey } }),
  };
}
