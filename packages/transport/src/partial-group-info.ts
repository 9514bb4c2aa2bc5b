import type { Extension } from "ts-mls";
import { extension, type Mls } from "./codec/mls.js";
import { type Codec, enumeration, type Field, opaque, struct, vector } from "./codec/schema.js";

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
export const partialGroupInfoCodec: Codec<PartialGroupInfo> = struct<PartialGroupInfo>("PartialGroupInfo", [
  ["ratchet_tree_presence", enumeration("RatchetTreePresence", ratchetTreePresences)],
  ["group_info_extensions", vector(extension)],
  ["signature", opaque],
] as Field[]);
