import { type Codec, enumeration, opaque, struct, utf8String } from "@mimi/wire";
/**
 * draft-ietf-mimi-protocol-06 §5.8 `FieldSource`:
 *
 * ```tls
 * enum {
 *   reserved(0),
 *   oidcStdClaim(7),
 *   vcardField(8),
 *   (255)
 * } FieldSource;
 * ```
 */
export const fieldSources = { reserved: 0, oidcStdClaim: 7, vcardField: 8 } as const;
/** A `FieldSource` name, or an unassigned code point. */
export type FieldSource = keyof typeof fieldSources | number;

/**
 * draft-ietf-mimi-protocol-06 §5.8 `ProfileField` (`string` read as UTF-8 `opaque<V>`,
 * DI-PROTO-03):
 *
 * ```tls
 * struct {
 *   FieldSource fieldSource;
 *   string fieldName;
 *   opaque fieldValue<V>;
 * } ProfileField;
 * ```
 */
export interface ProfileField {
  readonly fieldSource: FieldSource;
  readonly fieldName: string;
  readonly fieldValue: Uint8Array;
}

/** The `ProfileField` codec. */
export const profileFieldCodec: Codec<ProfileField> = struct("ProfileField", [
  ["fieldSource", enumeration("FieldSource", fieldSources)],
  ["fieldName", utf8String],
  ["fieldValue", opaque],
]);
