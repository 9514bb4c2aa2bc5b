/**
 * Strict, total decoding of the MLS structures the project exchanges (RFC 9420 §2.1, §6).
 *
 * ts-mls's decoders return `undefined` on malformed input, sometimes throw a `TypeError` or
 * `RangeError`, and ignore trailing bytes. These wrappers turn every failure into a `CodecError`
 * with a path and the rule, and reject trailing bytes.
 */
import { CodecError } from "@mimi/wire";
import type { Decoder, GroupContext } from "ts-mls";
import {
  type GroupInfo,
  type KeyPackage,
  type MLSMessage,
  type RatchetTree,
  type RequiredCapabilities,
  decodeMlsMessage as tsDecodeMlsMessage,
  decodeRequiredCapabilities as tsDecodeRequiredCapabilities,
  encodeMlsMessage as tsEncodeMlsMessage,
  type Welcome,
} from "ts-mls";
import {
  decodeGroupContext as tsDecodeGroupContext,
  decodeGroupInfo as tsDecodeGroupInfo,
  decodeKeyPackage as tsDecodeKeyPackage,
  decodeRatchetTree as tsDecodeRatchetTree,
  decodeWelcome as tsDecodeWelcome,
  encodeGroupContext as tsEncodeGroupContext,
  encodeGroupInfo as tsEncodeGroupInfo,
  encodeKeyPackage as tsEncodeKeyPackage,
  encodeRatchetTree as tsEncodeRatchetTree,
  encodeWelcome as tsEncodeWelcome,
} from "./internals.js";

/** Requirement ID of the rule every strict decoder enforces. */
export const MLS_CODEC_RULE = "MLS-CODEC-01";

/**
 * Decode exactly one `what` from all of `bytes` with a ts-mls decoder: the one strict decoder over
 * ts-mls (ts-mls's decoders return `undefined` on malformed input, may throw on crafted input, and
 * ignore trailing bytes). `rule` is the requirement a failure breaks (the hub view names its own).
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
  let result: [T, number] | undefined;
  try {
    result = decoder(bytes, 0);
  } catch (e) {
    throw new CodecError(`malformed ${what} (${e instanceof Error ? e.message : String(e)})`, {
      path,
      rule,
      cause: e,
    });
  }
  // [MLS-CODEC-01] RFC 9420 §2.1: a structure is decoded from exactly its bytes; malformed or
  // trailing input is rejected.
  if (result === undefined) throw new CodecError(`malformed ${what}`, { path, rule });
  if (result[1] !== bytes.length) {
    throw new CodecError(`${bytes.length - result[1]} trailing bytes after ${what}`, {
      path: `${path === "/" ? "" : path}/${result[1]}`,
      rule,
    });
  }
  return result[0];
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
