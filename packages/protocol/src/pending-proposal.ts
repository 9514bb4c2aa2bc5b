import type { MLSMessage } from "@mimi/mls-profile";
import { type Codec, struct, uint64 } from "@mimi/wire";
import { type Mls, mlsMessage } from "./codec/mls.js";

/**
 * draft-ietf-mimi-protocol-06 §5.6 `PendingProposal`:
 *
 * ```tls
 * struct {
 *     MLSMessage proposal;
 *     uint64 hub_accepted_time;
 * } PendingProposal;
 * ```
 */
export interface PendingProposal {
  readonly proposal: Mls<MLSMessage>;
  readonly hub_accepted_time: bigint;
}

/** The `PendingProposal` codec. */
export const pendingProposalCodec: Codec<PendingProposal> = struct("PendingProposal", [
  ["proposal", mlsMessage],
  ["hub_accepted_time", uint64],
]);
