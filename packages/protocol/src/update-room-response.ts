import { type Codec, enumeration, select, uint64, utf8String, vector } from "@mimi/wire";
import { proposalRefCodec } from "./common.js";

/**
 * draft-ietf-mimi-protocol-06 §5.3 `UpdateResponseCode`:
 *
 * ```tls
 * enum {
 *   success(0),
 *   wrongEpoch(1),
 *   notAllowed(2),
 *   invalidProposal(3),
 *   (255)
 * } UpdateResponseCode;
 * ```
 */
export const updateResponseCodes = { success: 0, wrongEpoch: 1, notAllowed: 2, invalidProposal: 3 } as const;
/** An `UpdateResponseCode` name, or an unassigned code point. */
export type UpdateResponseCode = keyof typeof updateResponseCodes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.3 `UpdateRoomResponse` (`string` is read as UTF-8 `opaque<V>`,
 * DI-PROTO-03):
 *
 * ```tls
 * struct {
 *   UpdateResponseCode responseCode;
 *   string errorDescription;
 *   select (responseCode) {
 *     case success:
 *       /* the hub acceptance time (in milliseconds from the UNIX epoch) *\/
 *       uint64 accepted_timestamp;
 *     case wrongEpoch:
 *       /* current MLS epoch for the MLS group *\/
 *       uint64 currentEpoch;
 *     case invalidProposal:
 *       ProposalRef invalidProposals<V>;
 *   };
 * } UpdateRoomResponse
 * ```
 */
export type UpdateRoomResponse =
  | {
      readonly responseCode: "success";
      readonly errorDescription: string;
      readonly accepted_timestamp: bigint;
    }
  | { readonly responseCode: "wrongEpoch"; readonly errorDescription: string; readonly currentEpoch: bigint }
  | {
      readonly responseCode: "invalidProposal";
      readonly errorDescription: string;
      readonly invalidProposals: readonly Uint8Array[];
    }
  | {
      readonly responseCode: Exclude<UpdateResponseCode, "success" | "wrongEpoch" | "invalidProposal">;
      readonly errorDescription: string;
    };

/** The `UpdateRoomResponse` codec. */
export const updateRoomResponseCodec: Codec<UpdateRoomResponse> = select("UpdateRoomResponse", {
  head: [
    ["responseCode", enumeration("UpdateResponseCode", updateResponseCodes)],
    ["errorDescription", utf8String],
  ],
  on: "responseCode",
  arms: {
    success: [["accepted_timestamp", uint64]],
    wrongEpoch: [["currentEpoch", uint64]],
    invalidProposal: [["invalidProposals", vector(proposalRefCodec)]],
  },
  otherwise: [],
});
