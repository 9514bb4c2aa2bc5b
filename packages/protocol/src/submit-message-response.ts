import { type Codec, enumeration, optional, select, uint64 } from "@mimi/wire";
import { type Frank, frankCodec } from "./frank.js";
import { type Protocol, protocolCodec } from "./protocol.js";

/**
 * draft-ietf-mimi-protocol-06 §5.4 `SubmitResponseCode`:
 *
 * ```tls
 * enum {
 *   accepted(0),
 *   notAllowed(1),
 *   epochTooOld(2),
 *   (255)
 * } SubmitResponseCode;
 * ```
 */
export const submitResponseCodes = { accepted: 0, notAllowed: 1, epochTooOld: 2 } as const;
/** A `SubmitResponseCode` name, or an unassigned code point. */
export type SubmitResponseCode = keyof typeof submitResponseCodes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.4 `SubmitMessageResponse` (`case success` read as the enum's
 * `accepted`, `optional Frank` as `optional<Frank>`, DI-PROTO-04):
 *
 * ```tls
 * struct {
 *   Protocol protocol;
 *   select(protocol) {
 *     case mls10:
 *       SubmitResponseCode statusCode;
 *       select (statusCode) {
 *         case success:
 *           /* the hub acceptance time
 *              (in milliseconds from the UNIX epoch) *\/
 *           uint64 accepted_timestamp;
 *           optional Frank frank;
 *         case epochTooOld:
 *           /* current MLS epoch for the MLS group *\/
 *           uint64 currentEpoch;
 *       };
 *   };
 * } SubmitMessageResponse;
 * ```
 */
export type SubmitMessageResponse =
  | {
      readonly protocol: Protocol;
      readonly statusCode: "accepted";
      readonly accepted_timestamp: bigint;
      readonly frank?: Frank;
    }
  | { readonly protocol: Protocol; readonly statusCode: "epochTooOld"; readonly currentEpoch: bigint }
  | {
      readonly protocol: Protocol;
      readonly statusCode: Exclude<SubmitResponseCode, "accepted" | "epochTooOld">;
    };

/** The `SubmitMessageResponse` codec. */
export const submitMessageResponseCodec: Codec<SubmitMessageResponse> = select("SubmitMessageResponse", {
  head: [
    ["protocol", protocolCodec],
    ["statusCode", enumeration("SubmitResponseCode", submitResponseCodes)],
  ],
  on: "statusCode",
  arms: {
    accepted: [
      ["accepted_timestamp", uint64],
      ["frank", optional(frankCodec)],
    ],
    epochTooOld: [["currentEpoch", uint64]],
  },
  otherwise: [],
});
