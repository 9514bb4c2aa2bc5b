/**
 * The RFC 9420 §12.1.8.1 `external_senders` extension, encoded per the RFC (ts-mls 1.6.4 gets
 * it wrong, see the adapter), and MIMI's rule that the hub is one of them
 * (draft-ietf-mimi-protocol-06 §7.4).
 */
import { bytesEqual, decodeTls, encodeTls, type TlsReader, ValidationError } from "@mimi/wire";
import { type Credential, encodeCredential, readCredential, writeCredential } from "./credential.js";

/**
 * RFC 9420 §12.1.8.1
 *
 * ```tls
 * struct {
 *   SignaturePublicKey signature_key;
 *   Credential credential;
 * } ExternalSender;
 *
 * ExternalSender external_senders<V>;
 * ```
 */
export interface ExternalSender {
  readonly signature_key: Uint8Array;
  readonly credential: Credential;
}

function readExternalSender(r: TlsReader): ExternalSender {
  const signature_key = r.field("signature_key", () => r.opaque());
  const credential = r.field("credential", () => readCredential(r));
  return { signature_key, credential };
}

/** Encode the `external_senders` extension data (a vector of `ExternalSender`). @throws CodecError. */
export function encodeExternalSenders(senders: readonly ExternalSender[]): Uint8Array {
  return encodeTls((w) =>
    w.vector(senders, (sw, s) => {
      sw.opaque(s.signature_key);
      writeCredential(sw, s.credential);
    }),
  );
}

/** Decode the `external_senders` extension data. @throws CodecError on malformed input. */
export function decodeExternalSenders(bytes: Uint8Array): ExternalSender[] {
  return decodeTls(bytes, (r) => r.vector(readExternalSender));
}

/** Whether two external senders are the same (same key and same credential bytes). */
export function sameExternalSender(a: ExternalSender, b: ExternalSender): boolean {
  return (
    bytesEqual(a.signature_key, b.signature_key) &&
    bytesEqual(encodeCredential(a.credential), encodeCredential(b.credential))
  );
}

/**
 * Check a group's `external_senders` against MIMI's profile and return the hub's index in it.
 *
 * @throws ValidationError (`MLS-XSND-01`) when the extension is absent or does not list the hub
 * (same signature key and credential).
 */
export function requireHubExternalSender(
  senders: readonly ExternalSender[] | undefined,
  hub: ExternalSender,
): number {
  // [MLS-XSND-01] draft-ietf-mimi-protocol-06 §7.4: the external_senders extension MUST exist
  // and MUST contain the hub.
  if (senders === undefined) {
    throw new ValidationError("the group has no external_senders extension", {
      path: "/",
      rule: "MLS-XSND-01",
    });
  }
  const index = senders.findIndex((s) => sameExternalSender(s, hub));
  if (index < 0) {
    throw new ValidationError("external_senders does not contain the hub", {
      path: "/",
      rule: "MLS-XSND-01",
    });
  }
  return index;
}

/**
 * The external senders after the follower servers in `departed` lost their last participant:
 * §7.4 says a follower's entry MUST be removed then. `isFollowerOf(sender, domain)` tells whether
 * an entry belongs to a departed domain's server. The hub's entry is never removed.
 *
 * @throws ValidationError (`MLS-XSND-02`) if a departed domain would take the hub's entry with it.
 */
export function removeDepartedFollowers(
  senders: readonly ExternalSender[],
  hub: ExternalSender,
  departed: readonly string[],
  isFollowerOf: (sender: ExternalSender, domain: string) => boolean,
): ExternalSender[] {
  return senders.filter((s) => {
    const gone = departed.some((d) => isFollowerOf(s, d));
    if (!gone) return true;
    // [MLS-XSND-02] draft-ietf-mimi-protocol-06 §7.4: follower entries MUST be removed with the
    // follower's last participant, while the hub's entry MUST stay.
    if (sameExternalSender(s, hub)) {
      throw new ValidationError("the hub's external sender entry cannot be removed", {
        path: "/",
        rule: "MLS-XSND-02",
      });
    }
    return false;
  });
}
