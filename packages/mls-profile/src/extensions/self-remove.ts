/**
 * The SelfRemove proposal (draft-ietf-mls-extensions-10 §6.3).
 */
import { decodeTls } from "@mimi/wire";

/**
 * draft-ietf-mls-extensions-10 §6.3
 *
 * ```tls
 * struct {} SelfRemove;
 * ```
 */
export type SelfRemove = Readonly<Record<never, never>>;

/** Encode a `SelfRemove` proposal body (zero bytes). */
export function encodeSelfRemove(_v: SelfRemove = {}): Uint8Array {
  return new Uint8Array(0);
}

/** Decode a `SelfRemove` proposal body. @throws CodecError when it is not empty. */
export function decodeSelfRemove(bytes: Uint8Array): SelfRemove {
  return decodeTls(bytes, () => ({}));
}
