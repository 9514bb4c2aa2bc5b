/**
 * `@mimi/wire`: primitives shared by every MIMI package.
 *
 * - the error tree ({@link MimiError}, {@link CodecError}, {@link ValidationError}, …);
 * - hex, UTF-8 and byte helpers;
 * - a strict TLS presentation language codec (RFC 8446 §3, RFC 9420 §2.1).
 *
 * @packageDocumentation
 */
export * from "./bytes.js";
export * from "./errors.js";
export * from "./tls.js";
