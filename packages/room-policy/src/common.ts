/**
 * Types shared by the room-policy structures (draft-ietf-mimi-room-policy-03, Appendix "Complete
 * TLS Presentation Language Syntax").
 */
import { type Uri, uriCodec } from "@mimi/mls-profile";
import { bool, type Codec, enumCodes, optional, struct, utf8String } from "@mimi/wire";

// [POLICY-CODEC-01] draft-ietf-mimi-room-policy-03 §3: `bool` is the enum false(0), true(1); any
// other value is invalid.
/** `bool` of the room-policy structures: octets other than 0 and 1 are a `CodecError`. */
export const policyBool: Codec<boolean> = bool("POLICY-CODEC-01");

// [POLICY-CODEC-02] draft-ietf-mimi-room-policy-03 §3: a closed enum value outside its definition
// is invalid (read, written or given in JSON), and so is a select on it without a case.
/** The options of a closed room-policy enum (see `enumCodes` of `@mimi/wire`). */
export const closedEnum = { closed: true, rule: "POLICY-CODEC-02" } as const;

/** `optional<T>` of the room-policy structures: absent is an omitted key in JSON. */
export function optionalField<T>(item: Codec<T>): Codec<T | undefined> {
  return optional(item, { omitWhenAbsent: true });
}

/**
 * TLS shape of `Uri` (draft-ietf-mimi-room-policy-03 Appendix, draft-ietf-mimi-protocol-06 §7.6;
 * the structure is the MLS profile's): `struct { opaque uri<V>; } Uri;`, the bytes decoded as UTF-8
 * (decision 0302).
 */
export const uriSchema: Codec<Uri> = uriCodec;

/**
 * A DNS domain name.
 *
 * ```tls
 * struct {
 *   opaque domain<V>;
 * } DomainName;
 * ```
 */
export interface DomainName {
  readonly domain: string;
}

/** TLS shape of {@link DomainName}. */
export const domainNameSchema: Codec<DomainName> = struct("DomainName", [["domain", utf8String]]);

/**
 * Whether a feature is optional, required or forbidden.
 *
 * ```tls
 * enum {
 *   optional(0),
 *   required(1),
 *   forbidden(2)
 * } Optionality;
 * ```
 *
 * The draft's selects say `case mandatory:`; that is `required(1)` (decision 0301, DI-POLICY-03).
 */
export const optionality = { optional: 0, required: 1, forbidden: 2 } as const;

/** A value of {@link optionality}. */
export type Optionality = (typeof optionality)[keyof typeof optionality];

/** TLS shape of {@link Optionality}: a closed uint8 enum. */
export const optionalitySchema: Codec<Optionality> = enumCodes("Optionality", optionality, closedEnum);

/** `ComponentID` of draft-ietf-mls-extensions: `uint16 ComponentID;`. */
export type ComponentId = number;
