/**
 * Oblivious HTTP key configurations (RFC 9458 §3): one gateway public key, its HPKE KEM and the
 * symmetric algorithms (KDF, AEAD) it accepts, and the `application/ohttp-keys` list of them
 * (§3.2, each prefixed with a 2-byte length).
 *
 * ```
 * Key Config {
 *   Key Identifier (8),
 *   HPKE KEM ID (16),
 *   HPKE Public Key (Npk * 8),
 *   HPKE Symmetric Algorithms Length (16) = 4..65532,
 *   HPKE Symmetric Algorithms (32) ...,
 * }
 * ```
 *
 * Only DHKEM(X25519, HKDF-SHA256) is known (Npk = 32), so a lone configuration of another KEM
 * cannot be decoded; in an `application/ohttp-keys` list such entries are skipped (decision 0671).
 */
import { CodecError, childPath, concatBytes } from "@mimi/wire";

/** HPKE identifiers (RFC 9180 §7). */
export const KEM_X25519_HKDF_SHA256 = 0x0020;
export const KDF_HKDF_SHA256 = 0x0001;
export const AEAD_AES_128_GCM = 0x0001;

/** The media type of a key configuration list (RFC 9458 §3.2). */
export const OHTTP_KEYS_MEDIA_TYPE = "application/ohttp-keys";

/** Public key sizes of the KEMs we know. */
const NPK: Readonly<Record<number, number>> = { [KEM_X25519_HKDF_SHA256]: 32 };

/** A KDF and AEAD pair. */
export interface SymmetricAlgorithm {
  readonly kdfId: number;
  readonly aeadId: number;
}

/** A key configuration. */
export interface KeyConfig {
  /** 0..255. */
  readonly keyId: number;
  readonly kemId: number;
  readonly publicKey: Uint8Array;
  /** At least one. */
  readonly symmetric: readonly SymmetricAlgorithm[];
}

const u16 = (v: number) => Uint8Array.of(v >> 8, v & 0xff);

function check(c: KeyConfig, path: string): void {
  if (!Number.isInteger(c.keyId) || c.keyId < 0 || c.keyId > 255)
    throw new CodecError("the key identifier is not 0..255", { path: childPath(path, "keyId") });
  const npk = NPK[c.kemId];
  if (npk === undefined)
    throw new CodecError(`unsupported KEM 0x${c.kemId.toString(16).padStart(4, "0")}`, {
      path: childPath(path, "kemId"),
    });
  if (c.publicKey.length !== npk)
    throw new CodecError(`the public key is ${c.publicKey.length} bytes, not ${npk}`, {
      path: childPath(path, "publicKey"),
    });
  if (c.symmetric.length === 0 || c.symmetric.length > 16383)
    throw new CodecError("1..16383 symmetric algorithms are required", {
      path: childPath(path, "symmetric"),
    });
  c.symmetric.forEach((s, i) => {
    for (const k of ["kdfId", "aeadId"] as const)
      if (!Number.isInteger(s[k]) || s[k] < 0 || s[k] > 0xffff)
        throw new CodecError(`${k} is not a 16-bit value`, {
          path: childPath(childPath(childPath(path, "symmetric"), i), k),
        });
  });
}

/**
 * Encode one key configuration.
 *
 * @throws CodecError for an unsupported KEM, a public key of the wrong size or no algorithms.
 */
export function encodeKeyConfig(c: KeyConfig): Uint8Array {
  check(c, "/");
  return concatBytes(
    Uint8Array.of(c.keyId),
    u16(c.kemId),
    c.publicKey,
    u16(c.symmetric.length * 4),
    ...c.symmetric.map((s) => concatBytes(u16(s.kdfId), u16(s.aeadId))),
  );
}

/** Decode a key configuration at `bytes[at..]`; returns it and the offset after it. */
function readKeyConfig(bytes: Uint8Array, at: number, path: string): { config: KeyConfig; end: number } {
  const need = (n: number, what: string) => {
    if (at + n > bytes.length)
      throw new CodecError(`truncated: ${what} needs ${n} bytes, ${Math.max(0, bytes.length - at)} left`, {
        path: childPath(path, what),
      });
  };
  const view = (o: number) => (bytes[o]! << 8) | bytes[o + 1]!;
  need(1, "keyId");
  const keyId = bytes[at]!;
  need(3, "kemId");
  const kemId = view(at + 1);
  const npk = NPK[kemId];
  if (npk === undefined)
    throw new CodecError(`unsupported KEM 0x${kemId.toString(16).padStart(4, "0")}`, {
      path: childPath(path, "kemId"),
    });
  need(3 + npk, "publicKey");
  const publicKey = bytes.slice(at + 3, at + 3 + npk);
  need(5 + npk, "symmetricLength");
  const len = view(at + 3 + npk);
  if (len < 4 || len > 65532 || len % 4 !== 0)
    throw new CodecError(`the symmetric algorithms length ${len} is not a multiple of 4 in 4..65532`, {
      path: childPath(path, "symmetricLength"),
    });
  need(5 + npk + len, "symmetric");
  const symmetric: SymmetricAlgorithm[] = [];
  for (let o = at + 5 + npk; o < at + 5 + npk + len; o += 4)
    symmetric.push({ kdfId: view(o), aeadId: view(o + 2) });
  return { config: { keyId, kemId, publicKey, symmetric }, end: at + 5 + npk + len };
}

/**
 * Decode one key configuration (the whole input).
 *
 * @throws CodecError for a truncated or overlong input, an unsupported KEM or a bad length.
 */
export function decodeKeyConfig(bytes: Uint8Array): KeyConfig {
  const { config, end } = readKeyConfig(bytes, 0, "/");
  if (end !== bytes.length)
    throw new CodecError(`${bytes.length - end} bytes after the key configuration`, { path: "/" });
  return config;
}

/**
 * Encode an `application/ohttp-keys` list.
 *
 * @throws CodecError for an invalid configuration.
 */
export function encodeKeyConfigs(configs: readonly KeyConfig[]): Uint8Array {
  return concatBytes(
    ...configs.map((c) => {
      const one = encodeKeyConfig(c);
      return concatBytes(u16(one.length), one);
    }),
  );
}

/**
 * Decode an `application/ohttp-keys` list. Entries of a KEM we do not know are skipped (they are
 * length-prefixed, RFC 9458 §3.2); every other entry must decode exactly.
 *
 * @throws CodecError for a truncated list, an entry that does not decode, or a list without any
 * usable configuration.
 */
export function decodeKeyConfigs(bytes: Uint8Array): KeyConfig[] {
  const out: KeyConfig[] = [];
  let at = 0;
  let n = 0;
  while (at < bytes.length) {
    const path = `/${n}`;
    if (at + 2 > bytes.length) throw new CodecError("truncated: an entry length is cut", { path });
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length)
      throw new CodecError(`truncated: the entry announces ${len} bytes, ${bytes.length - at - 2} left`, {
        path,
      });
    const entry = bytes.subarray(at + 2, at + 2 + len);
    const kemId = len >= 3 ? (entry[1]! << 8) | entry[2]! : undefined;
    if (kemId === undefined || NPK[kemId] !== undefined) {
      const { config, end } = readKeyConfig(entry, 0, path);
      if (end !== entry.length)
        throw new CodecError(`${entry.length - end} bytes after the key configuration`, { path });
      out.push(config);
    }
    at += 2 + len;
    n++;
  }
  if (out.length === 0) throw new CodecError("no usable key configuration", { path: "/" });
  return out;
}
