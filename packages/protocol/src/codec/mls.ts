/**
 * RFC 9420 structures carried inside protocol-06 bodies (KeyPackage, MLSMessage, Welcome,
 * GroupInfo, Credential, Capabilities, RequiredCapabilities, ExternalSender, HPKECiphertext, the
 * ratchet tree, Extension), read and written by `@mimi/mls-profile`'s strict decoder over ts-mls
 * (`readMlsStructure`, `decodeMlsStructure`, `encodeMlsStructure`).
 *
 * Every failure is a `CodecError` (MLS-CODEC-01) at the field's path. A structure is also
 * rejected when ts-mls would not re-encode it to the same bytes (a non-canonical encoding ts-mls
 * tolerated), so that the bytes a body carries and the value it decodes to always agree.
 *
 * The value kept in a decoded body is {@link Mls}: the exact bytes and the ts-mls value. A hub
 * forwards the bytes unchanged and inspects the value.
 */

import {
  type Capabilities,
  type Credential,
  decodeMlsStructure,
  type Extension,
  type ExternalSender,
  encodeMlsStructure,
  type GroupInfo,
  type HPKECiphertext,
  type KeyPackage,
  type MLSMessage,
  type MlsStructureName,
  type MlsStructures,
  type RatchetTree,
  type RequiredCapabilities,
  readMlsStructure,
  type Welcome,
} from "@mimi/mls-profile";
import { type Codec, CodecError, decodeWith, fromHex, toHex } from "@mimi/wire";

/** An RFC 9420 structure inside a body: its exact encoding and the ts-mls value it decodes to. */
export interface Mls<T> {
  /** The structure's TLS encoding, as carried on the wire. */
  readonly bytes: Uint8Array;
  /** The structure decoded by ts-mls. */
  readonly value: T;
}

/** The codec of an embedded RFC 9420 structure. */
function mlsCodec<K extends MlsStructureName>(what: K): Codec<Mls<MlsStructures[K]>> {
  return {
    name: what,
    shape: { kind: "mls", what },
    read: (r, source) => {
      const start = r.offset;
      // Decode from a view bounded by this reader's range, so a structure can never run into the
      // bytes of an enclosing vector or struct. A view, not a copy: a body of many structures
      // (a /notify of hundreds of FanoutMessages) would otherwise copy its rest once per structure.
      const window = source.subarray(start, start + r.remaining);
      const [value, n] = readMlsStructure(what, window, r.currentPath);
      return { bytes: r.fixed(n), value };
    },
    write: (w, v) => {
      w.bytes(v.bytes);
    },
    toJson: (v) => toHex(v.bytes),
    fromJson: (j, path) => {
      if (typeof j !== "string") throw new CodecError(`expected the hex of a ${what}`, { path });
      let bytes: Uint8Array;
      try {
        bytes = fromHex(j);
      } catch (e) {
        throw new CodecError(`expected hex: ${(e as CodecError).what}`, { path });
      }
      return { bytes, value: decodeMlsStructure(what, bytes, path) };
    },
  };
}

/** The RFC 9420 structures that protocol-06 bodies embed, by name, with their ts-mls types. */
export type MlsKinds = MlsStructures;

/** RFC 9420 §10 `KeyPackage`. */
export const keyPackage: Codec<Mls<KeyPackage>> = mlsCodec("KeyPackage");
/** RFC 9420 §6 `MLSMessage`. */
export const mlsMessage: Codec<Mls<MLSMessage>> = mlsCodec("MLSMessage");
/** RFC 9420 §12.4.3.1 `Welcome`. */
export const welcome: Codec<Mls<Welcome>> = mlsCodec("Welcome");
/** RFC 9420 §12.4.3 `GroupInfo`. */
export const groupInfo: Codec<Mls<GroupInfo>> = mlsCodec("GroupInfo");
/** RFC 9420 §5.3 `Credential`. */
export const credential: Codec<Mls<Credential>> = mlsCodec("Credential");
/** RFC 9420 §7.2 `Capabilities`. */
export const capabilities: Codec<Mls<Capabilities>> = mlsCodec("Capabilities");
/** RFC 9420 §11.1 `RequiredCapabilities`. */
export const requiredCapabilities: Codec<Mls<RequiredCapabilities>> = mlsCodec("RequiredCapabilities");
/** RFC 9420 §12.1.8.1 `ExternalSender`. */
export const externalSender: Codec<Mls<ExternalSender>> = mlsCodec("ExternalSender");
/** RFC 9420 §5.1.3 `HPKECiphertext`. */
export const hpkeCiphertext: Codec<Mls<HPKECiphertext>> = mlsCodec("HPKECiphertext");
/** RFC 9420 §12.4.3.3 `optional<Node> ratchet_tree<V>`. */
export const ratchetTree: Codec<Mls<RatchetTree>> = mlsCodec("RatchetTree");
/** RFC 9420 §13 `Extension`. */
export const extension: Codec<Mls<Extension>> = mlsCodec("Extension");

/** The name of an embedded RFC 9420 structure, for building {@link Mls} values from ts-mls values. */
export type MlsKind = keyof MlsKinds;

/**
 * Wrap a ts-mls value as an embedded structure (encodes it once).
 *
 * @throws CodecError when ts-mls cannot encode the value.
 */
export function mlsOf<K extends MlsKind>(kind: K, value: MlsKinds[K]): Mls<MlsKinds[K]> {
  return { bytes: encodeMlsStructure(kind, value), value };
}

const codecs = {
  KeyPackage: keyPackage,
  MLSMessage: mlsMessage,
  Welcome: welcome,
  GroupInfo: groupInfo,
  Credential: credential,
  Capabilities: capabilities,
  RequiredCapabilities: requiredCapabilities,
  ExternalSender: externalSender,
  HPKECiphertext: hpkeCiphertext,
  RatchetTree: ratchetTree,
  Extension: extension,
};

/**
 * Decode exactly one embedded structure from its bytes.
 *
 * @throws CodecError for malformed, trailing or non-canonical bytes.
 */
export function decodeMls<K extends MlsKind>(kind: K, bytes: Uint8Array): Mls<MlsKinds[K]> {
  return decodeWith(codecs[kind] as Codec<unknown>, bytes) as never;
}
