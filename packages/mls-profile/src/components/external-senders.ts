/**
 * MIMI's rules on the RFC 9420 §12.1.8.1 `external_senders` extension
 * (draft-ietf-mimi-protocol-06 §7.4): the hub is always one of them, and a follower's entry goes
 * with its last participant. The extension's codec is the adapter's.
 */
import { bytesEqual, ValidationError } from "@mimi/wire";
import type { ExternalSender } from "../adapter/types.js";
import { encodeCredential } from "./credential.js";

/** Whether two external senders are the same (same signature key and same credential bytes). */
export function sameExternalSender(a: ExternalSender, b: ExternalSender): boolean {
  return (
    bytesEqual(a.signaturePublicKey, b.signaturePublicKey) &&
    bytesEqual(encodeCredential(a.credential), encodeCredential(b.credential))
  );
}

/**
 * Check a group's external senders against MIMI's profile and return the hub's index in them.
 *
 * @throws ValidationError (`MLS-XSND-01`) when there are none or the hub is not among them.
 */
export function requireHubExternalSender(
  senders: readonly ExternalSender[] | undefined,
  hub: ExternalSender,
): number {
  // [MLS-XSND-01] draft-ietf-mimi-protocol-06 §7.4: the external_senders extension MUST exist
  // and MUST contain the hub.
  if (senders === undefined || senders.length === 0) {
    throw new ValidationError("the group has no external_senders", { path: "/", rule: "MLS-XSND-01" });
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
