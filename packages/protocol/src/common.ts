/**
 * RFC 9420 scalar types that protocol-06 bodies use directly.
 */

/** RFC 9420 §5.1 `uint16 CipherSuite` (kept as its code point, so unknown suites decode). */
export type CipherSuite = number;

import { type Codec, named, opaque, uint16 } from "@mimi/wire";
/** The `CipherSuite` codec (JSON: a number). */
export const cipherSuiteCodec: Codec<CipherSuite> = named("CipherSuite", uint16);

/** RFC 9420 §5.1.2 `opaque SignaturePublicKey<V>` (a struct with one field in the RFC). */
export const signaturePublicKeyCodec: Codec<Uint8Array> = named("SignaturePublicKey", opaque);

/** RFC 9420 §5.1.1 `opaque HPKEPublicKey<V>`. */
export const hpkePublicKeyCodec: Codec<Uint8Array> = named("HPKEPublicKey", opaque);

/** RFC 9420 §5.2 `ProposalRef` (a `HashReference`, `opaque<V>`). */
export const proposalRefCodec: Codec<Uint8Array> = named("ProposalRef", opaque);
