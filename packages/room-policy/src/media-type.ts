/**
 * `MediaType` of draft-ietf-mls-extensions, as used by the room-policy asset and operational
 * policies.
 */
import { type Schema, t } from "./codec/schema.js";

// The structures `Parameter` and `MediaType` are draft-ietf-mls-extensions-10 §6.2's, defined by
// the MLS profile (`@mimi/mls-profile`); these are their shapes for room-policy's codec.

/** TLS shape of `Parameter`: `struct { opaque parameter_name<V>; opaque parameter_value<V>; }`. */
export const parameterSchema: Schema = t.struct("Parameter", [
  { name: "parameter_name", type: t.text },
  { name: "parameter_value", type: t.text },
]);

/** TLS shape of `MediaType`: `struct { opaque type<V>; Parameter parameters<V>; }`. */
export const mediaTypeSchema: Schema = t.struct("MediaType", [
  { name: "type", type: t.text },
  { name: "parameters", type: t.vector(parameterSchema) },
]);
