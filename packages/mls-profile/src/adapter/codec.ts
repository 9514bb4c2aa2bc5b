/**
 * Strict, total decoding of the MLS structures the project exchanges (RFC 9420 §2.1, §6).
 *
 * ts-mls's decoders return `undefined` on malformed input, sometimes throw a `TypeError` or
 * `RangeError`, and ignore trailing bytes. These wrappers turn every failure into a `CodecError`
 * with a path and the rule, and reject trailing bytes. {@link readMlsStructure} and
 * {@link decodeMlsStructure} do the same for the structures other protocols embed, and also
 * reject an encoding ts-mls would not produce for the value it decodes to.
 */

import type {
  Capabilities,
  Credential,
  Decoder,
  Extension,
  ExternalSender,
  GroupContext,
  HPKECiphertext,
} from "@mimi/ts-mls";
import {
  type GroupInfo,
  type KeyPackage,
  type MLSMessage,
  type PrivateMessage,
  type RatchetTree,
  type RequiredCapabilities,
  decodeExternalSender as tsDecodeExternalSender,
  decodeMlsMessage as tsDecodeMlsMessage,
  decodeRequiredCapabilities as tsDecodeRequiredCapabilities,
  encodeExternalSender as tsEncodeExternalSender,
  encodeMlsMessage as tsEncodeMlsMessage,
  encodeRequiredCapabilities as tsEncodeRequiredCapabilities,
  type Welcome,
} from "@mimi/ts-mls";
import { bytesEqual, CodecError, TlsReader } from "@mimi/wire";
import {
  decodeCapabilities as tsDecodeCapabilities,
  decodeCredential as tsDecodeCredential,
  decodeExtension as tsDecodeExtension,
  decodeGroupContext as tsDecodeGroupContext,
  decodeGroupInfo as tsDecodeGroupInfo,
  decodeHpkeCiphertext as tsDecodeHpkeCiphertext,
  decodeKeyPackage as tsDecodeKeyPackage,
  decodeRatchetTree as tsDecodeRatchetTree,
  decodeWelcome as tsDecodeWelcome,
  encodeCapabilities as tsEncodeCapabilities,
  encodeCredential as tsEncodeCredential,
  encodeExtension as tsEncodeExtension,
  encodeGroupContext as tsEncodeGroupContext,
  encodeGroupInfo as tsEncodeGroupInfo,
  encodeHpkeCiphertext as tsEncodeHpkeCiphertext,
  encodeKeyPackage as tsEncodeKeyPackage,
  encodeRatchetTree as tsEncodeRatchetTree,
  encodeWelcome as tsEncodeWelcome,
} from "./internals.js";

/** Requirement ID of the rule every strict decoder enforces. */
export const MLS_CODEC_RULE = "MLS-CODEC-01";

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Decode one `what` from the start of `bytes` with a ts-mls decoder: the one strict decoder over
 * ts-mls, which {@link decodeStrict} and {@link readMlsStructure} build on. Returns the value and
 * the number of bytes it took (at least one, at most `bytes.length`).
 *
 * @throws CodecError if the decoder fails, throws, or claims bytes it was not given.
 */
function decodeStrictPrefix<T>(
  decoder: Decoder<T>,
  bytes: Uint8Array,
  what: string,
  path: string,
  rule: string,
): [T, number] {
  let result: [T, number] | undefined;
  try {
    result = decoder(bytes, 0);
  } catch (e) {
    throw new CodecError(`malformed ${what} (${errorText(e)})`, { path, rule, cause: e });
  }
  // [MLS-CODEC-01] RFC 9420 §2.1: a structure is decoded from exactly its bytes; malformed or
  // trailing input is rejected.
  if (result === undefined || result[1] <= 0 || result[1] > bytes.length)
    throw new CodecError(`malformed ${what}`, { path, rule });
  return result;
}

/**
 * Decode exactly one `what` from all of `bytes` with a ts-mls decoder (ts-mls's decoders return
 * `undefined` on malformed input, may throw on crafted input, and ignore trailing bytes). `rule`
 * is the requirement a failure breaks (the hub view names its own).
 *
 * @throws CodecError if the decoder fails, throws, or leaves trailing bytes.
 */
export function decodeStrict<T>(
  decoder: Decoder<T>,
  bytes: Uint8Array,
  what: string,
  path = "/",
  rule: string = MLS_CODEC_RULE,
): T {
  const [value, n] = decodeStrictPrefix(decoder, bytes, what, path, rule);
  if (n !== bytes.length) {
    throw new CodecError(`${bytes.length - n} trailing bytes after ${what}`, {
      path: `${path === "/" ? "" : path}/${n}`,
      rule,
    });
  }
  return value;
}

/** The RFC 9420 structures other protocols embed (draft-ietf-mimi-protocol-06 bodies), by name. */
export interface MlsStructures {
  /** §10 `KeyPackage`. */
  KeyPackage: KeyPackage;
  /** §6 `MLSMessage`. */
  MLSMessage: MLSMessage;
  /** §12.4.3.1 `Welcome`. */
  Welcome: Welcome;
  /** §12.4.3 `GroupInfo`. */
  GroupInfo: GroupInfo;
  /** §5.3 `Credential`. */
  Credential: Credential;
  /** §7.2 `Capabilities`. */
  Capabilities: Capabilities;
  /** §11.1 `RequiredCapabilities`. */
  RequiredCapabilities: RequiredCapabilities;
  /** §12.1.8.1 `ExternalSender`. */
  ExternalSender: ExternalSender;
  /** §5.1.3 `HPKECiphertext`. */
  HPKECiphertext: HPKECiphertext;
  /** §12.4.3.3 `optional<Node> ratchet_tree<V>`. */
  RatchetTree: RatchetTree;
  /** §13 `Extension`. */
  Extension: Extension;
}

/** The name of an embeddable RFC 9420 structure. */
export type MlsStructureName = keyof MlsStructures;

interface TsMlsPair<T> {
  readonly decode: Decoder<T>;
  readonly encode: (value: T) => Uint8Array;
}

const structures: { readonly [K in MlsStructureName]: TsMlsPair<MlsStructures[K]> } = {
  KeyPackage: { decode: tsDecodeKeyPackage, encode: tsEncodeKeyPackage },
  MLSMessage: { decode: tsDecodeMlsMessage, encode: tsEncodeMlsMessage },
  Welcome: { decode: tsDecodeWelcome, encode: tsEncodeWelcome },
  GroupInfo: { decode: tsDecodeGroupInfo, encode: tsEncodeGroupInfo },
  Credential: { decode: tsDecodeCredential, encode: tsEncodeCredential },
  Capabilities: { decode: tsDecodeCapabilities, encode: tsEncodeCapabilities },
  RequiredCapabilities: { decode: tsDecodeRequiredCapabilities, encode: tsEncodeRequiredCapabilities },
  ExternalSender: { decode: tsDecodeExternalSender, encode: tsEncodeExternalSender },
  HPKECiphertext: { decode: tsDecodeHpkeCiphertext, encode: tsEncodeHpkeCiphertext },
  RatchetTree: { decode: tsDecodeRatchetTree, encode: tsEncodeRatchetTree },
  Extension: { decode: tsDecodeExtension, encode: tsEncodeExtension },
} as { readonly [K in MlsStructureName]: TsMlsPair<MlsStructures[K]> };

/**
 * Encode an embeddable structure with ts-mls.
 *
 * @throws CodecError when ts-mls cannot encode the value.
 */
export function encodeMlsStructure<K extends MlsStructureName>(kind: K, value: MlsStructures[K]): Uint8Array {
  try {
    return (structures[kind] as TsMlsPair<MlsStructures[K]>).encode(value);
  } catch (e) {
    throw new CodecError(`cannot encode ${kind} (${errorText(e)})`, { rule: MLS_CODEC_RULE, cause: e });
  }
}

/** RFC 9420 §6 `ProtocolVersion` mls10 and `WireFormat` mls_private_message, the first four bytes. */
const MLS10 = 0x0001;
const MLS_PRIVATE_MESSAGE = 0x0002;
/** RFC 9420 §6 `ContentType` values, as ts-mls names them. */
const CONTENT_TYPES: readonly (PrivateMessage["contentType"] | undefined)[] = [
  undefined,
  "application",
  "proposal",
  "commit",
];

/**
 * An `MLSMessage` holding a `PrivateMessage` (RFC 9420 §6.3.1) read from the start of `bytes`
 * when its encoding is the one ts-mls writes, or undefined for anything else (another wire
 * format, malformed or non-canonical bytes), which the generic path then decodes or refuses with
 * its own error. The same value ts-mls's decoder gives (the opaque fields are copies):
 * a PrivateMessage is `ProtocolVersion version; WireFormat wire_format; opaque group_id<V>;
 * uint64 epoch; ContentType content_type; opaque authenticated_data<V>; opaque
 * encrypted_sender_data<V>; opaque ciphertext<V>`, so ts-mls writes back the same bytes exactly
 * when each of the four length prefixes is minimal (version, wire format and content type decode
 * only from the one value each name encodes to; the epoch from any eight bytes). Every
 * application message a member receives is one: this skips the encoding again that
 * {@link readMlsStructure} otherwise checks canonicality with.
 */
function readCanonicalPrivateMessage(bytes: Uint8Array): [MLSMessage, number] | undefined {
  if (bytes.length < 4 || ((bytes[0]! << 8) | bytes[1]!) !== MLS10) return undefined;
  if (((bytes[2]! << 8) | bytes[3]!) !== MLS_PRIVATE_MESSAGE) return undefined;
  // [MLS-CODEC-01] @mimi/wire's reader refuses a length prefix longer than needed (RFC 9420 §2.1.2);
  // anything it refuses is left to the generic path, which refuses it with its own error
  const r = new TlsReader(bytes, { start: 4 });
  try {
    const groupId = r.opaque();
    const epoch = r.uint64();
    const contentType = CONTENT_TYPES[r.uint8()];
    if (contentType === undefined) return undefined;
    const authenticatedData = r.opaque();
    const encryptedSenderData = r.opaque();
    const ciphertext = r.opaque();
    // the keys in the order ts-mls's decoder gives them
    const message: MLSMessage = {
      wireformat: "mls_private_message",
      privateMessage: { groupId, epoch, contentType, authenticatedData, encryptedSenderData, ciphertext },
      version: "mls10",
    };
    return [message, r.offset];
  } catch (e) {
    if (e instanceof CodecError) return undefined;
    throw e;
  }
}

/**
 * Read one `kind` from the start of `bytes` (the bytes after it are left to the caller, e.g. an
 * enclosing structure): the value and the number of bytes it took. `path` locates it in the
 * enclosing structure.
 *
 * @throws CodecError (MLS-CODEC-01) for malformed bytes, or an encoding ts-mls would not produce
 * for the value (non-canonical), so that the bytes and the value always agree.
 */
export function readMlsStructure<K extends MlsStructureName>(
  kind: K,
  bytes: Uint8Array,
  path = "/",
): [MlsStructures[K], number] {
  if (kind === "MLSMessage") {
    const fast = readCanonicalPrivateMessage(bytes);
    if (fast !== undefined) return fast as [MlsStructures[K], number];
  }
  const pair = structures[kind] as TsMlsPair<MlsStructures[K]>;
  const [value, n] = decodeStrictPrefix(pair.decode, bytes, kind, path, MLS_CODEC_RULE);
  let again: Uint8Array;
  try {
    again = pair.encode(value);
  } catch (e) {
    throw new CodecError(`malformed ${kind} (${errorText(e)})`, { path, rule: MLS_CODEC_RULE, cause: e });
  }
  // [MLS-CODEC-01] RFC 9420 §2.1: a structure ts-mls decodes to a value it would encode
  // differently (a non-canonical encoding it tolerated) is rejected.
  if (!bytesEqual(again, bytes.subarray(0, n)))
    throw new CodecError(`non-canonical ${kind} encoding`, { path, rule: MLS_CODEC_RULE });
  return [value, n];
}

/**
 * Decode exactly one `kind` from all of `bytes`, as {@link readMlsStructure} does.
 *
 * @throws CodecError (MLS-CODEC-01) for malformed, trailing or non-canonical bytes.
 */
export function decodeMlsStructure<K extends MlsStructureName>(
  kind: K,
  bytes: Uint8Array,
  path = "/",
): MlsStructures[K] {
  const [value, n] = readMlsStructure(kind, bytes, path);
  // [MLS-CODEC-01]
  if (n !== bytes.length) {
    throw new CodecError(`${bytes.length - n} trailing bytes after ${kind}`, {
      path: `${path === "/" ? "" : path}/${n}`,
      rule: MLS_CODEC_RULE,
    });
  }
  return value;
}

/**
 * Decode an `MLSMessage` (RFC 9420 §6): `struct { ProtocolVersion version = mls10; WireFormat
 * wire_format; select (MLSMessage.wire_format) {…} }`.
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeMlsMessage(bytes: Uint8Array): MLSMessage {
  return decodeStrict(tsDecodeMlsMessage, bytes, "MLSMessage");
}

/** Encode an `MLSMessage` (RFC 9420 §6). */
export function encodeMlsMessage(message: MLSMessage): Uint8Array {
  return tsEncodeMlsMessage(message);
}

/**
 * Decode a bare `KeyPackage` (RFC 9420 §10).
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  return decodeStrict(tsDecodeKeyPackage, bytes, "KeyPackage");
}

/** Encode a bare `KeyPackage` (RFC 9420 §10). */
export function encodeKeyPackage(keyPackage: KeyPackage): Uint8Array {
  return tsEncodeKeyPackage(keyPackage);
}

/**
 * Decode a bare `GroupInfo` (RFC 9420 §12.4.3).
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeGroupInfo(bytes: Uint8Array): GroupInfo {
  return decodeStrict(tsDecodeGroupInfo, bytes, "GroupInfo");
}

/** Encode a bare `GroupInfo` (RFC 9420 §12.4.3). */
export function encodeGroupInfo(groupInfo: GroupInfo): Uint8Array {
  return tsEncodeGroupInfo(groupInfo);
}

/**
 * Decode a bare `Welcome` (RFC 9420 §12.4.3.1).
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeWelcome(bytes: Uint8Array): Welcome {
  return decodeStrict(tsDecodeWelcome, bytes, "Welcome");
}

/** Encode a bare `Welcome` (RFC 9420 §12.4.3.1). */
export function encodeWelcome(welcome: Welcome): Uint8Array {
  return tsEncodeWelcome(welcome);
}

/**
 * Decode a `GroupContext` (RFC 9420 §8.1); `path` locates it in an enclosing structure.
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeGroupContext(bytes: Uint8Array, path = "/"): GroupContext {
  return decodeStrict(tsDecodeGroupContext, bytes, "GroupContext", path);
}

/** Encode a `GroupContext` (RFC 9420 §8.1). */
export function encodeGroupContext(groupContext: GroupContext): Uint8Array {
  return tsEncodeGroupContext(groupContext);
}

/**
 * Decode a ratchet tree, `optional<Node> ratchet_tree<V>` (RFC 9420 §12.4.3.3); `path` locates it
 * in an enclosing structure.
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeRatchetTree(bytes: Uint8Array, path = "/"): RatchetTree {
  return decodeStrict(tsDecodeRatchetTree, bytes, "ratchet tree", path);
}

/**
 * Decode a `RequiredCapabilities` (RFC 9420 §11.1): `struct { ExtensionType extension_types<V>;
 * ProposalType proposal_types<V>; CredentialType credential_types<V>; }`.
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeRequiredCapabilities(bytes: Uint8Array, path = "/"): RequiredCapabilities {
  return decodeStrict(tsDecodeRequiredCapabilities, bytes, "RequiredCapabilities", path);
}

/** Encode a ratchet tree, without trailing blank nodes (RFC 9420 §12.4.3.3). */
export function encodeRatchetTree(tree: RatchetTree): Uint8Array {
  return tsEncodeRatchetTree(tree);
}
