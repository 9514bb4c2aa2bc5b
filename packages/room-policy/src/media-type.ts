/**
 * `MediaType` of draft-ietf-mls-extensions, as used by the room-policy asset and operational
 * policies.
 */
import { type Schema, t } from "./codec/schema.js";

/**
 * ```tls
 * struct {
 *   opaque parameter_name<V>;
 *   opaque parameter_value<V>;
 * } Parameter;
 * ```
 */
export interface Parameter {
  readonly parameter_name: string;
  readonly parameter_value: string;
}

/**
 * ```tls
 * struct {
 *   opaque type<V>;
 *   Parameter parameters<V>;
 * } MediaType;
 * ```
 *
 * (draft-ietf-mls-extensions-10; the field `type` is called `media_type` in -09, same wire form.)
 */
export interface MediaType {
  readonly type: string;
  readonly parameters: readonly Parameter[];
}

/** TLS shape of {@link Parameter}. */
export const parameterSchema: Schema = t.struct("Parameter", [
  { name: "parameter_name", type: t.text },
  { name: "parameter_value", type: t.text },
]);

/** TLS shape of {@link MediaType}. */
export const mediaTypeSchema: Schema = t.struct("MediaType", [
  { name: "type", type: t.text },
  { name: "parameters", type: t.vector(parameterSchema) },
]);
