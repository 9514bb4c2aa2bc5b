import { type Extension, extensionTypeNumber, type GroupInfo } from "@mimi/mls-profile";
import { type Codec, enumeration, opaque, struct, ValidationError, vector } from "@mimi/wire";
import { extension, type Mls, mlsOf } from "./codec/mls.js";

/**
 * draft-mahy-mls-ratchet-tree-options §4 `RatchetTreePresence`:
 *
 * ```tls
 * enum { no_ratchet_tree(0), present(1), removed(2), added(3), (255) } RatchetTreePresence;
 * ```
 */
export const ratchetTreePresences = { no_ratchet_tree: 0, present: 1, removed: 2, added: 3 } as const;
/** A `RatchetTreePresence` name, or an unassigned code point. */
export type RatchetTreePresence = keyof typeof ratchetTreePresences | number;

/**
 * draft-mahy-mls-ratchet-tree-options §4 `PartialGroupInfo` (protocol-06 §5.3 `GroupInfoOption`):
 *
 * ```tls
 * struct {
 *   RatchetTreePresence ratchet_tree_presence;
 *   Extension group_info_extensions<V>;
 *   opaque signature<V>;
 * } PartialGroupInfo;
 * ```
 */
export interface PartialGroupInfo {
  readonly ratchet_tree_presence: RatchetTreePresence;
  readonly group_info_extensions: readonly Mls<Extension>[];
  readonly signature: Uint8Array;
}

/** The `PartialGroupInfo` codec. */
export const partialGroupInfoCodec: Codec<PartialGroupInfo> = struct("PartialGroupInfo", [
  ["ratchet_tree_presence", enumeration("RatchetTreePresence", ratchetTreePresences)],
  ["group_info_extensions", vector(extension)],
  ["signature", opaque],
]);

/**
 * The PartialGroupInfo of a committer's GroupInfo (draft-mahy-mls-ratchet-tree-options §4): its
 * extensions and signature, the part a hub cannot compute itself. The GroupInfo must not carry a
 * `ratchet_tree` extension (protocol-06 §5.3: the GroupInfo omits it), so the presence is
 * `no_ratchet_tree` (decision 0660).
 *
 * @throws ValidationError when the GroupInfo carries a `ratchet_tree` extension.
 */
export function partialGroupInfoOf(groupInfo: GroupInfo): PartialGroupInfo {
  if (groupInfo.extensions.some((e) => extensionTypeNumber(e) === ratchetTreeExtensionType))
    throw new ValidationError(
      "a GroupInfo with a ratchet_tree extension has no PartialGroupInfo (decision 0660)",
      {
        path: "/extensions",
        rule: "PROTO-PGI-02",
      },
    );
  return {
    ratchet_tree_presence: "no_ratchet_tree",
    group_info_extensions: groupInfo.extensions.map((e) => mlsOf("Extension", e)),
    signature: groupInfo.signature,
  };
}

/** RFC 9420 §17.3 extension type `ratchet_tree`. */
export const ratchetTreeExtensionType = 2;
/** RFC 9420 §17.3 extension type `external_pub`. */
export const externalPubExtensionType = 4;
