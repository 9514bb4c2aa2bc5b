/**
 * Types shared by the room-policy structures (draft-ietf-mimi-room-policy-03, Appendix "Complete
 * TLS Presentation Language Syntax").
 */
import { type Schema, t } from "./codec/schema.js";

/**
 * TLS shape of `Uri` (draft-ietf-mimi-room-policy-03 Appendix, draft-ietf-mimi-protocol-06 §7.6;
 * the structure is the MLS profile's): `struct { opaque uri<V>; } Uri;`, the bytes decoded as UTF-8
 * (decision 0302).
 */
export const uriSchema: Schema = t.struct("Uri", [{ name: "uri", type: t.text }]);

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
export const domainNameSchema: Schema = t.struct("DomainName", [{ name: "domain", type: t.text }]);

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
export const optionalitySchema: Schema = t.enum8(optionality, true);

/** `ComponentID` of draft-ietf-mls-extensions: `uint16 ComponentID;`. */
export type ComponentId = number;
