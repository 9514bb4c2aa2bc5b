import type { GroupInfo } from "@mimi/mls-profile";
import { type Codec, enumeration, select } from "@mimi/wire";
import { groupInfo, type Mls } from "./codec/mls.js";
import { type PartialGroupInfo, partialGroupInfoCodec } from "./partial-group-info.js";

/**
 * draft-ietf-mimi-protocol-06 §5.3 `GroupInfoRepresentation`:
 *
 * ```tls
 * enum {
 *   reserved(0),
 *   full(1),
 *   partial(2),
 *   (255)
 * } GroupInfoRepresentation;
 * ```
 */
export const groupInfoRepresentations = { reserved: 0, full: 1, partial: 2 } as const;

/**
 * draft-ietf-mimi-protocol-06 §5.3 `GroupInfoOption`:
 *
 * ```tls
 * struct {
 *    GroupInfoRepresentation representation;
 *    select (representation) {
 *      case full:
 *        GroupInfo groupInfo;
 *      case partial:
 *        PartialGroupInfo partialGroupInfo;
 *    }
 * } GroupInfoOption;
 * ```
 */
export type GroupInfoOption =
  | { readonly representation: "full"; readonly groupInfo: Mls<GroupInfo> }
  | { readonly representation: "partial"; readonly partialGroupInfo: PartialGroupInfo };

/** The `GroupInfoOption` codec; `reserved` and unassigned representations are a CodecError. */
export const groupInfoOptionCodec: Codec<GroupInfoOption> = select("GroupInfoOption", {
  head: [["representation", enumeration("GroupInfoRepresentation", groupInfoRepresentations)]],
  on: "representation",
  arms: {
    full: [["groupInfo", groupInfo]],
    partial: [["partialGroupInfo", partialGroupInfoCodec]],
  },
  noArm: "no GroupInfoOption arm for representation",
});
