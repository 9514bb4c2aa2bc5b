import type { GroupInfo } from "@mimi/mls-profile";
import { type Codec, struct, vector } from "@mimi/wire";
import { groupInfo, type Mls } from "./codec/mls.js";
import { type PendingProposal, pendingProposalCodec } from "./pending-proposal.js";
import { type RatchetTreeOption, ratchetTreeOptionCodec } from "./ratchet-tree-option.js";

/**
 * draft-ietf-mimi-protocol-06 §5.6 `GroupInfoRatchetTreeTBE` (the plaintext of
 * `encrypted_groupinfo_and_tree`):
 *
 * ```tls
 * struct {
 *   GroupInfo groupInfo;   /* without embedded ratchet_tree *\/
 *   RatchetTreeOption ratchetTreeOption;
 *   /* A list of valid pending proposals accepted by the hub *\/
 *   /* during the current epoch                              *\/
 *   PendingProposal pending_proposals<V>;
 * } GroupInfoRatchetTreeTBE;
 * ```
 */
export interface GroupInfoRatchetTreeTBE {
  readonly groupInfo: Mls<GroupInfo>;
  readonly ratchetTreeOption: RatchetTreeOption;
  readonly pending_proposals: readonly PendingProposal[];
}

/** The `GroupInfoRatchetTreeTBE` codec. */
export const groupInfoRatchetTreeTBECodec: Codec<GroupInfoRatchetTreeTBE> = struct(
  "GroupInfoRatchetTreeTBE",
  [
    ["groupInfo", groupInfo],
    ["ratchetTreeOption", ratchetTreeOptionCodec],
    ["pending_proposals", vector(pendingProposalCodec)],
  ],
);
