/**
 * `@mimi/wire`: primitives shared by every MIMI package.
 *
 * - the error tree ({@link MimiError}, {@link CodecError}, {@link ValidationError}, …);
 * - hex, UTF-8 and byte helpers;
 * - a strict TLS presentation language codec (RFC 8446 §3, RFC 9420 §2.1);
 * - typed codec combinators over it, the one schema engine of every package ({@link Codec}).
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
  type ArmKey,
  type ArmTag,
  bool,
  type Codec,
  decodeWith,
  type EnumCode,
  type EnumOptions,
  type EnumValue,
  encodeWith,
  enumCodes,
  enumeration,
  enumValue,
  type Field,
  type FieldList,
  type FieldsValue,
  fields,
  fixed,
  type Json,
  named,
  type OptionalOptions,
  opaque,
  optional,
  refine,
  type SelectByValue,
  type SelectOnValue,
  type SelectOptions,
  type SelectShape,
  type Shape,
  type Simplify,
  select,
  selectBy,
  struct,
  uint8,
  uint16,
  uint32,
  uint64,
  utf8String,
  type ValueOf,
  vector,
} from "./codec.js";
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
