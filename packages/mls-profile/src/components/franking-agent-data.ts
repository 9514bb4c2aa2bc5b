/**
 * The `franking_agent` component (draft-ietf-mimi-protocol-06 §5.4.1; IANA name
 * `franking_signature_key`, see DI-PROTO-10).
 */
import { decodeTls, encodeTls } from "@mimi/wire";
import type { Credential } from "../adapter/types.js";
import type { ComponentUpdateHandler } from "../extensions/apply-app-data-updates.js";
import { readCredential, writeCredential } from "./credential.js";

/**
 * draft-ietf-mimi-protocol-06 §5.4.1
 *
 * ```tls
 * struct {
 *   SignaturePublicKey franking_signature_key;
 *   Credential credential;
 * } FrankingAgentData;
 *
 * FrankingAgentData franking_agent;
 * FrankingAgentData FrankingAgentUpdate;
 * ```
 *
 * `SignaturePublicKey` is RFC 9420's `struct { opaque signature_key<V>; }`; `credential` uses the
 * adapter's representation of RFC 9420 `Credential`.
 */
export interface FrankingAgentData {
  readonly franking_signature_key: Uint8Array;
  readonly credential: Credential;
}

/** Encode a `FrankingAgentData` (also a `FrankingAgentUpdate`). @throws CodecError. */
export function encodeFrankingAgentData(v: FrankingAgentData): Uint8Array {
  return encodeTls((w) => {
    w.opaque(v.franking_signature_key);
    writeCredential(w, v.credential);
  });
}

/** Decode a `FrankingAgentData`. @throws CodecError on malformed input. */
export function decodeFrankingAgentData(bytes: Uint8Array): FrankingAgentData {
  return decodeTls(bytes, (r) => {
    const franking_signature_key = r.field("franking_signature_key", () => r.opaque());
    const credential = r.field("credential", () => readCredential(r));
    return { franking_signature_key, credential };
  });
}

/**
 * The `franking_agent` component logic: a `FrankingAgentUpdate` replaces the data; with
 * several updates in a commit the last one wins (each must decode).
 *
 * @throws CodecError when an update is not a `FrankingAgentData`.
 */
export function frankingAgentHandler(): ComponentUpdateHandler {
  return (_current, updates) => {
    for (const u of updates) decodeFrankingAgentData(u);
    return updates[updates.length - 1]!;
  };
}
