/**
 * `@mimi/wire`: primitives shared by every MIMI package.
 *
 * - the error tree ({@link MimiError}, {@link CodecError}, {@link ValidationError}, …);
 * - hex, UTF-8 and byte helpers;
 * - a strict TLS presentation language codec (RFC 8446 §3, RFC 9420 §2.1).
 *
 * @packageDocumentation
 */
export {
  bytesEqual,
  bytesEqualConstantTime,
  compareBytes,
  concatBytes,
  fromBase64,
  fromHex,
  fromUtf8,
  toBase64,
  toHex,
  utf8,
} from "./bytes.js";
export {
  CodecError,
  childPath,
  InternalError,
  isMimiError,
  MimiError,
  type MimiErrorOptions,
  ProtocolError,
  ValidationError,
} from "./errors.js";
export { decodeTls, encodeTls, MAX_VARINT, TlsReader, TlsWriter } from "./tls.js";
