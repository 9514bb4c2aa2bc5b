/**
 * RFC 9420 structures carried inside protocol-06 bodies (KeyPackage, MLSMessage, Welcome,
 * GroupInfo, Credential, Capabilities, RequiredCapabilities, ExternalSender, HPKECiphertext, the
 * ratchet tree, Extension), read and written with ts-mls 1.6.4's own codecs.
 *
 * ts-mls decoders return `undefined` for bad input and can throw `TypeError`/`RangeError` on some
 * truncations; here every failure becomes a `CodecError` at the field's path. A structure is
 * also rejected when ts-mls would not re-encode it to the same bytes (a non-canonical encoding ts-mls
 * tolerated), so that the bytes a body carries and the value it decodes to always agree.
 *
 * The value kept in a decoded body is {@link Mls}: the exact bytes and the ts-mls value. A hub
 * forwards the bytes unchanged and inspects the value.
 */

import type { Decoder } from "@mimi/mls-profile";
import { bytesEqual, type Codec, CodecError, decodeWith, fromHex, toHex } from "@mimi/wire";
import type {
  Capabilities,
  Credential,
  Extension,
  ExternalSender,
  GroupInfo,
  HPKECiphertext,
  KeyPackage,
  MLSMessage,
  RatchetTree,
  RequiredCapabilities,
  Welcome,
} from "ts-mls";
import { decodeCapabilities, encodeCapabilities } from "ts-mls/capabilities.js";
import { decodeCredential, encodeCredential } from "ts-mls/credential.js";
import { decodeExtension, encodeExtension } from "ts-mls/extension.js";
import { decodeExternalSender, encodeExternalSender } from "ts-mls/externalSender.js";
import { decodeGroupInfo, encodeGroupInfo } from "ts-mls/groupInfo.js";
import { decodeHpkeCiphertext, encodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
import { decodeKeyPackage, encodeKeyPackage } from "ts-mls/keyPackage.js";
import { decodeMlsMessage, encodeMlsMessage } from "ts-mls/message.js";
import { decodeRatchetTree, encodeRatchetTree } from "ts-mls/ratchetTree.js";
import { decodeRequiredCapabilities, encodeRequiredCapabilities } from "ts-mls/requiredCapabilities.js";
import { decodeWelcome, encodeWelcome } from "ts-mls/welcome.js";

/** An RFC 9420 structure inside a body: its exact encoding and the ts-mls value it decodes to. */
export interface Mls<T> {
  /** The structure's TLS encoding, as carried on the wire. */
  readonly bytes: Uint8Array;
  /** The structure decoded by ts-mls. */
  readonly value: T;
}

/** A ts-mls codec pair. */
interface TsMlsPair<T> {
  readonly decode: Decoder<T>;
  readonly encode: (value: T) => Uint8Array;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Decode one RFC 9420 structure from `bytes` (exactly, nothing trailing) with ts-mls.
 *
 * @throws CodecError when ts-mls rejects or throws, when bytes are left over, or when the encoding
 * is not the one ts-mls produces for the value (non-canonical).
 */
function decodeExact<T>(what: string, pair: TsMlsPair<T>, bytes: Uint8Array, path: string): [T, number] {
  let res: [T, number] | undefined;
  try {
    res = pair.decode(bytes, 0);
  } catch (e) {
    throw new CodecError(`malformed ${what} (${errorText(e)})`, { path, cause: e });
  }
  if (res === undefined) throw new CodecError(`malformed ${what}`, { path });
  return res;
}

function canonical<T>(what: string, pair: TsMlsPair<T>, value: T, consumed: Uint8Array, path: string): void {
  let again: Uint8Array;
  try {
    again = pair.encode(value);
  } catch (e) {
    throw new CodecError(`malformed ${what} (${errorText(e)})`, { path, cause: e });
  }
  if (!bytesEqual(again, consumed)) throw new CodecError(`non-canonical ${what} encoding`, { path });
}

/**
 * The codec of an embedded RFC 9420 structure.
 *
 * `check`, when given, adds a structural rule on the decoded value (e.g. "an MLSMessage holding a
 * KeyPackage is not a Welcome").
 */
function mlsCodec<T>(what: string, pair: TsMlsPair<T>): Codec<Mls<T>> {
  const fromBytes = (bytes: Uint8Array, path: string): Mls<T> => {
    const [value, n] = decodeExact(what, pair, bytes, path);
    if (n !== bytes.length)
      throw new CodecError(`${bytes.length - n} trailing byte(s) after ${what}`, { path });
    canonical(what, pair, value, bytes, path);
    return { bytes, value };
  };
  return {
    name: what,
    shape: { kind: "mls", what },
    read: (r, source) => {
      const start = r.offset;
      // Decode from a view bounded by this reader's range, so a structure can never run into the
      // bytes of an enclosing vector or struct. A view, not a copy: a body of many structures
      // (a /notify of hundreds of FanoutMessages) would otherwise copy its rest once per structure.
      const window = source.subarray(start, start + r.remaining);
      const [value, n] = decodeExact(what, pair, window, r.currentPath);
      if (n <= 0 || n > window.length) r.fail(`malformed ${what}`);
      const bytes = r.fixed(n);
      canonical(what, pair, value, bytes, r.currentPath);
      return { bytes, value };
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
      return fromBytes(bytes, path);
    },
  };
}

/** The RFC 9420 structures that protocol-06 bodies embed, by name, with their ts-mls types. */
export interface MlsKinds {
  KeyPackage: KeyPackage;
  MLSMessage: MLSMessage;
  Welcome: Welcome;
  GroupInfo: GroupInfo;
  Credential: Credential;
  Capabilities: Capabilities;
  RequiredCapabilities: RequiredCapabilities;
  ExternalSender: ExternalSender;
  HPKECiphertext: HPKECiphertext;
  RatchetTree: RatchetTree;
  Extension: Extension;
}

const pairs: { readonly [K in keyof MlsKinds]: TsMlsPair<MlsKinds[K]> } = {
  KeyPackage: { decode: decodeKeyPackage, encode: encodeKeyPackage } as TsMlsPair<KeyPackage>,
  MLSMessage: { decode: decodeMlsMessage, encode: encodeMlsMessage } as TsMlsPair<MLSMessage>,
  Welcome: { decode: decodeWelcome, encode: encodeWelcome } as TsMlsPair<Welcome>,
  GroupInfo: { decode: decodeGroupInfo, encode: encodeGroupInfo } as TsMlsPair<GroupInfo>,
  Credential: { decode: decodeCredential, encode: encodeCredential } as TsMlsPair<Credential>,
  Capabilities: { decode: decodeCapabilities, encode: encodeCapabilities } as TsMlsPair<Capabilities>,
  RequiredCapabilities: {
    decode: decodeRequiredCapabilities,
    encode: encodeRequiredCapabilities,
  } as TsMlsPair<RequiredCapabilities>,
  ExternalSender: { decode: decodeExternalSender, encode: encodeExternalSender } as TsMlsPair<ExternalSender>,
  HPKECiphertext: { decode: decodeHpkeCiphertext, encode: encodeHpkeCiphertext } as TsMlsPair<HPKECiphertext>,
  RatchetTree: { decode: decodeRatchetTree, encode: encodeRatchetTree } as TsMlsPair<RatchetTree>,
  Extension: { decode: decodeExtension, encode: encodeExtension } as TsMlsPair<Extension>,
};

/** RFC 9420 §10 `KeyPackage`. */
export const keyPackage: Codec<Mls<KeyPackage>> = mlsCodec("KeyPackage", pairs.KeyPackage);
/** RFC 9420 §6 `MLSMessage`. */
export const mlsMessage: Codec<Mls<MLSMessage>> = mlsCodec("MLSMessage", pairs.MLSMessage);
/** RFC 9420 §12.4.3.1 `Welcome`. */
export const welcome: Codec<Mls<Welcome>> = mlsCodec("Welcome", pairs.Welcome);
/** RFC 9420 §12.4.3 `GroupInfo`. */
export const groupInfo: Codec<Mls<GroupInfo>> = mlsCodec("GroupInfo", pairs.GroupInfo);
/** RFC 9420 §5.3 `Credential`. */
export const credential: Codec<Mls<Credential>> = mlsCodec("Credential", pairs.Credential);
/** RFC 9420 §7.2 `Capabilities`. */
export const capabilities: Codec<Mls<Capabilities>> = mlsCodec("Capabilities", pairs.Capabilities);
/** RFC 9420 §11.1 `RequiredCapabilities`. */
export const requiredCapabilities: Codec<Mls<RequiredCapabilities>> = mlsCodec(
  "RequiredCapabilities",
  pairs.RequiredCapabilities,
);
/** RFC 9420 §12.1.8.1 `ExternalSender`. */
export const externalSender: Codec<Mls<ExternalSender>> = mlsCodec("ExternalSender", pairs.ExternalSender);
/** RFC 9420 §5.1.3 `HPKECiphertext`. */
export const hpkeCiphertext: Codec<Mls<HPKECiphertext>> = mlsCodec("HPKECiphertext", pairs.HPKECiphertext);
/** RFC 9420 §12.4.3.3 `optional<Node> ratchet_tree<V>`. */
export const ratchetTree: Codec<Mls<RatchetTree>> = mlsCodec("RatchetTree", pairs.RatchetTree);
/** RFC 9420 §13 `Extension`. */
export const extension: Codec<Mls<Extension>> = mlsCodec("Extension", pairs.Extension);

/** The name of an embedded RFC 9420 structure, for building {@link Mls} values from ts-mls values. */
export type MlsKind = keyof MlsKinds;

/**
 * Wrap a ts-mls value as an embedded structure (encodes it once).
 *
 * @throws CodecError when ts-mls cannot encode the value.
 */
export function mlsOf<K extends MlsKind>(kind: K, value: MlsKinds[K]): Mls<MlsKinds[K]> {
  const pair = pairs[kind] as unknown as TsMlsPair<typeof value>;
  try {
    return { bytes: pair.encode(value), value };
  } catch (e) {
    throw new CodecError(`cannot encode ${kind} (${errorText(e)})`, { cause: e });
  }
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
