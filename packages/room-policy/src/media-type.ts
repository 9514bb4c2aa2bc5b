/**
 * `MediaType` of draft-ietf-mls-extensions, as used by the room-policy asset and operational
 * policies.
 */
import type { MediaType, Parameter } from "@mimi/mls-profile";
import { type Codec, struct, utf8String, vector } from "@mimi/wire";

// The structures `Parameter` and `MediaType` are draft-ietf-mls-extensions-10 §6.2's, defined by
// the MLS profile (`@mimi/mls-profile`); these are their shapes for room-policy's codec.

/** TLS shape of `Parameter`: `struct { opaque parameter_name<V>; opaque parameter_value<V>; }`. */
export const parameterSchema: Codec<Parameter> = struct("Parameter", [
  ["parameter_name", utf8String],
  ["parameter_value", utf8String],
]);

/** TLS shape of `MediaType`: `struct { opaque type<V>; Parameter parameters<V>; }`. */
export const mediaTypeSchema: Codec<MediaType> = struct("MediaType", [
  ["type", utf8String],
  ["parameters", vector(parameterSchema)],
]);
