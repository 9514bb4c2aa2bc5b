/**
 * Code points of draft-ietf-mimi-content-08 as data (§4.4, §8.2.1, §8.2.2, Appendix A.1).
 * Unknown values are kept by the codecs, never dropped.
 */

/**
 * The "MIMI Content Disposition" registry (§8.2.2).
 *
 * ```cddl
 * baseDispos = &( unspecified: 0, render: 1, reaction: 2, profile: 3, inline: 4, icon: 5,
 *                 attachment: 6, session: 7, preview: 8 )
 * unknownDispos = &( unknown: 9..255 )
 * ```
 */
export const dispositions = {
  unspecified: 0,
  render: 1,
  reaction: 2,
  profile: 3,
  inline: 4,
  icon: 5,
  attachment: 6,
  session: 7,
  preview: 8,
} as const;

/** A registered disposition name. */
export type DispositionName = keyof typeof dispositions;

/** Any disposition on the wire: a registered value or an unknown one in 9..255. */
export type Disposition = number;

/** The name of a registered disposition, or `undefined` for an unknown value (treat as `render`, §9.1). */
export function dispositionName(value: Disposition): DispositionName | undefined {
  for (const [name, v] of Object.entries(dispositions)) if (v === value) return name as DispositionName;
  return undefined;
}

/**
 * NestedPart cardinality (§4.4): `nullpart = 0`, `single = 1`, `external = 2`, `multi = 3`.
 */
export const cardinalities = { nullpart: 0, single: 1, external: 2, multi: 3 } as const;

/** A cardinality value. */
export type Cardinality = (typeof cardinalities)[keyof typeof cardinalities];

/**
 * MultiPart part semantics (§4.4): `chooseOne = 0`, `singleUnit = 1`, `processAll = 2`.
 */
export const partSemantics = { chooseOne: 0, singleUnit: 1, processAll: 2 } as const;

/** A part-semantics value. */
export type PartSemantics = (typeof partSemantics)[keyof typeof partSemantics];

/**
 * The "MIMI Content Extension Keys" registry (§8.2.1): 0 reserved, 1 senderUri, 2 roomUri.
 */
export const extensionKeys = { senderUri: 1, roomUri: 2 } as const;

/** Named Information hash algorithm identifiers used here (IANA; §3.3, §4.5): sha-256 = 1. */
export const hashAlgorithms = { none: 0, sha256: 1 } as const;

/** IANA AEAD algorithm numbers used for external content (§4.5): AES-128-GCM = 1. */
export const aeadAlgorithms = { none: 0, aes128gcm: 1 } as const;
