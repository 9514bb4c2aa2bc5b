import type { RatchetTree } from "@mimi/mls-profile";
import { type Codec, enumeration, opaque, select } from "@mimi/wire";
import { type Mls, ratchetTree } from "./codec/mls.js";

/**
 * draft-mahy-mls-ratchet-tree-options §3 `RatchetTreeRepresentation`:
 *
 * ```tls
 * enum { reserved(0), full(1), httpsUri(2), outOfBand(3), distributionService(4), (255) }
 *   RatchetTreeRepresentation;
 * ```
 */
export const ratchetTreeRepresentations = {
  reserved: 0,
  full: 1,
  httpsUri: 2,
  outOfBand: 3,
  distributionService: 4,
} as const;

/**
 * draft-mahy-mls-ratchet-tree-options §3 `RatchetTreeOption` (cited by protocol-06 §5.3, §5.5,
 * §5.6):
 *
 * ```tls
 * struct {
 *   RatchetTreeRepresentation representation;
 *   select (representation) {
 *     case full:                Node ratchet_tree<V>;
 *     case httpsUrl:            opaque ratchet_tree_url<V>; opaque tree_signature<V>;
 *     case outOfBand:           opaque tree_signature<V>;
 *     case distributionService: struct {};
 *   };
 * } RatchetTreeOption;
 * ```
 *
 * `case httpsUrl` is read as the enum's `httpsUri`, and `Node ratchet_tree<V>` as RFC 9420's
 * `optional<Node> ratchet_tree<V>` (a tree has blank nodes) (decision 0603). Other
 * representation values have no arm and are a `CodecError`.
 */
export type RatchetTreeOption =
  | { readonly representation: "full"; readonly ratchet_tree: Mls<RatchetTree> }
  | {
      readonly representation: "httpsUri";
      readonly ratchet_tree_url: Uint8Array;
      readonly tree_signature: Uint8Array;
    }
  | { readonly representation: "outOfBand"; readonly tree_signature: Uint8Array }
  | { readonly representation: "distributionService" };

/** The `RatchetTreeOption` codec. */
export const ratchetTreeOptionCodec: Codec<RatchetTreeOption> = select("RatchetTreeOption", {
  head: [["representation", enumeration("RatchetTreeRepresentation", ratchetTreeRepresentations)]],
  on: "representation",
  arms: {
    full: [["ratchet_tree", ratchetTree]],
    httpsUri: [
      ["ratchet_tree_url", opaque],
      ["tree_signature", opaque],
    ],
    outOfBand: [["tree_signature", opaque]],
    distributionService: [],
  },
  noArm: "no RatchetTreeOption arm for representation",
});
