import type { ExternalSender, HPKECiphertext } from "@mimi/mls-profile";
import { type Codec, enumeration, fields, opaque, select, struct } from "@mimi/wire";
import { externalSender, hpkeCiphertext, type Mls } from "./codec/mls.js";
import { type CipherSuite, cipherSuiteCodec } from "./common.js";
import { type Protocol, protocolCodec } from "./protocol.js";

/**
 * draft-ietf-mimi-protocol-06 §5.6 `GroupInfoCode`:
 *
 * ```tls
 * enum {
 *   reserved(0),
 *   success(1),
 *   notAuthorized(2),
 *   noSuchRoom(3),
 *   (255)
 * } GroupInfoCode;
 * ```
 */
export const groupInfoCodes = { reserved: 0, success: 1, notAuthorized: 2, noSuchRoom: 3 } as const;
/** A `GroupInfoCode` name, or an unassigned code point. */
export type GroupInfoCode = keyof typeof groupInfoCodes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.6 `GroupInfoResponseTBS` (the field named `version` is the
 * `protocol` the select names, DI-PROTO-06):
 *
 * ```tls
 * struct {
 *   Protocol version;
 *   opaque room_id<V>;
 *   GroupInfoCode status;
 *   select (protocol) {
 *     case mls10:
 *       CipherSuite cipher_suite;
 *       ExternalSender hub_sender;
 *       HPKECiphertext encrypted_groupinfo_and_tree;
 *   };
 * } GroupInfoResponseTBS;
 * ```
 */
export interface GroupInfoResponseTBS {
  readonly version: Protocol;
  readonly room_id: Uint8Array;
  readonly status: GroupInfoCode;
  readonly cipher_suite: CipherSuite;
  readonly hub_sender: Mls<ExternalSender>;
  readonly encrypted_groupinfo_and_tree: Mls<HPKECiphertext>;
}

/**
 * draft-ietf-mimi-protocol-06 §5.6 `GroupInfoResponse`:
 *
 * ```tls
 * struct {
 *   Protocol version;
 *   opaque room_id<V>;
 *   GroupInfoCode status;
 *   select (status) {
 *     case success:
 *       select (protocol) {
 *         case mls10:
 *           CipherSuite cipher_suite;
 *           ExternalSender hub_sender;
 *           HPKECiphertext encrypted_groupinfo_and_tree;
 *           /* SignWithLabel(hub_sender.signature_key,        *\/
 *           /*  "GroupInfoResponseTBS", GroupInfoResponseTBS) *\/
 *           opaque signature<V>;
 *       };
 *   default: struct{};
 *   };
 * } GroupInfoResponse;
 * ```
 */
export type GroupInfoResponse =
  | (GroupInfoResponseTBS & { readonly status: "success"; readonly signature: Uint8Array })
  | {
      readonly version: Protocol;
      readonly room_id: Uint8Array;
      readonly status: Exclude<GroupInfoCode, "success">;
    };

const head = fields([
  ["version", protocolCodec],
  ["room_id", opaque],
  ["status", enumeration("GroupInfoCode", groupInfoCodes)],
]);
const mls10 = fields([
  ["cipher_suite", cipherSuiteCodec],
  ["hub_sender", externalSender],
  ["encrypted_groupinfo_and_tree", hpkeCiphertext],
]);

/** The `GroupInfoResponseTBS` codec. */
export const groupInfoResponseTBSCodec: Codec<GroupInfoResponseTBS> = struct("GroupInfoResponseTBS", [
  ...head,
  ...mls10,
]);

/** The `GroupInfoResponse` codec. */
export const groupInfoResponseCodec: Codec<GroupInfoResponse> = select("GroupInfoResponse", {
  head,
  on: "status",
  arms: { success: [...mls10, ["signature", opaque]] },
  otherwise: [],
});
