import type { MLSMessage, Welcome } from "@mimi/mls-profile";
import { type Codec, optional, selectBy, vector } from "@mimi/wire";
import { type Mls, mlsMessage, welcome } from "./codec/mls.js";
import { type GroupInfoOption, groupInfoOptionCodec } from "./group-info-option.js";
import { type RatchetTreeOption, ratchetTreeOptionCodec } from "./ratchet-tree-option.js";

/**
 * The kind of an MLSMessage as the hub sees it: the wire format, and for a PublicMessage its
 * `content_type` (visible to the hub; a PrivateMessage's is not).
 */
export type HandshakeKind =
  | "proposal"
  | "commit"
  | "application"
  | "private"
  | "welcome"
  | "groupInfo"
  | "keyPackage";

/** Classify an MLSMessage (see {@link HandshakeKind}). */
export function mlsMessageKind(message: MLSMessage): HandshakeKind {
  switch (message.wireformat) {
    case "mls_public_message":
      return message.publicMessage.content.contentType;
    case "mls_private_message":
      return "private";
    case "mls_welcome":
      return "welcome";
    case "mls_group_info":
      return "groupInfo";
    default:
      return "keyPackage";
  }
}

/**
 * draft-ietf-mimi-protocol-06 §5.3 `HandshakeBundle` (its `select` is not closed in the draft;
 * read as closed after `moreProposals`, DI-PROTO-02):
 *
 * ```tls
 * struct {
 *   /* A Proposal or Commit which is either a PublicMessage; *\/
 *   /* or a SemiPrivateMessage                               *\/
 *   MLSMessage proposalOrCommit;
 *   select (proposalOrCommit.content.content_type) {
 *     case commit:
 *       /* Both the Welcome and GroupInfo omit the ratchet_tree *\/
 *       optional<Welcome> welcome;
 *       GroupInfoOption groupInfoOption;
 *       RatchetTreeOption ratchetTreeOption;
 *     case proposal:
 *       /* a list of additional proposals, each represented *\/
 *       /* as either PublicMessage or SemiPrivateMessage    *\/
 *       MLSMessage moreProposals<V>;
 * } HandshakeBundle;
 * ```
 *
 * SemiPrivateMessage (draft-mahy-mls-semiprivatemessage) has no code point yet and ts-mls cannot
 * read it, so only PublicMessage handshakes decode (decision 0604).
 */
export type HandshakeBundle =
  | {
      readonly proposalOrCommit: Mls<MLSMessage>;
      readonly welcome?: Mls<Welcome>;
      readonly groupInfoOption: GroupInfoOption;
      readonly ratchetTreeOption: RatchetTreeOption;
    }
  | {
      readonly proposalOrCommit: Mls<MLSMessage>;
      readonly moreProposals: readonly Mls<MLSMessage>[];
    };

/** True when the bundle carries a commit (its select took the `commit` arm). */
export function isCommitBundle(
  b: HandshakeBundle,
): b is Extract<HandshakeBundle, { readonly groupInfoOption: GroupInfoOption }> {
  return mlsMessageKind(b.proposalOrCommit.value) === "commit";
}

/** The `HandshakeBundle` codec. */
export const handshakeBundleCodec: Codec<HandshakeBundle> = selectBy("HandshakeBundle", {
  head: [["proposalOrCommit", mlsMessage]],
  // [PROTO-UPD-01] draft-ietf-mimi-protocol-06 §5.3: proposalOrCommit is a Proposal or Commit in a
  // PublicMessage (or SemiPrivateMessage); nothing else selects an arm.
  tag: (v) => {
    const kind = mlsMessageKind(v.proposalOrCommit.value);
    return kind === "commit" || kind === "proposal" ? kind : `${kind} message`;
  },
  arms: {
    commit: [
      ["welcome", optional(welcome)],
      ["groupInfoOption", groupInfoOptionCodec],
      ["ratchetTreeOption", ratchetTreeOptionCodec],
    ],
    proposal: [["moreProposals", vector(mlsMessage)]],
  },
  noArm: "proposalOrCommit must be a proposal or commit in a PublicMessage, not a",
  noArmRule: "PROTO-UPD-01",
});
