/**
 * Successor credentials in a ts-mls group (RFC 9420 §5.3.1, decision 0406).
 *
 * ts-mls 1.6.4 hands its Authentication Service one credential at a time and never the one it
 * replaces, so "the new credential represents the same client" cannot be checked inside
 * `validateCredential`. {@link processMessageWithIdentity} processes a message and then compares
 * every leaf that exists before and after (and was not removed by the Commit): a leaf whose
 * credential changed must name the same client and user.
 */
import {
  type Credential,
  type MLSMessage,
  type MlsCiphersuite,
  type MlsGroupState,
  type ProcessedMessage,
  type PskIndex,
  processMessage,
  type RatchetTree,
} from "@mimi/mls-profile";
import { bytesEqual } from "@mimi/wire";
import { assertSuccessorCredential, type CredentialValidationOptions } from "./mls-credential.js";

function credentialsEqual(a: Credential, b: Credential): boolean {
  if (a.credentialType === "basic" && b.credentialType === "basic") return bytesEqual(a.identity, b.identity);
  if (a.credentialType === "x509" && b.credentialType === "x509") {
    return (
      a.certificates.length === b.certificates.length &&
      a.certificates.every((c, i) => bytesEqual(c, b.certificates[i]!))
    );
  }
  return false;
}

/**
 * Check every leaf present in both trees, except `replaced` (leaf indices removed in between):
 * where its credential or signature key changed, the new credential must be a valid successor.
 *
 * @throws CertificateValidationError (`identity-changed`, or why the new credential fails).
 */
export async function checkSuccessorLeaves(
  before: RatchetTree,
  after: RatchetTree,
  replaced: ReadonlySet<number>,
  options: CredentialValidationOptions,
): Promise<void> {
  const n = Math.min(before.length, after.length);
  for (let node = 0; node < n; node += 2) {
    if (replaced.has(node / 2)) continue;
    const old = before.get(node);
    const now = after.get(node);
    if (old?.nodeType !== "leaf" || now?.nodeType !== "leaf") continue;
    const unchanged =
      credentialsEqual(old.leaf.credential, now.leaf.credential) &&
      bytesEqual(old.leaf.signaturePublicKey, now.leaf.signaturePublicKey);
    if (unchanged) continue;
    await assertSuccessorCredential(
      old.leaf.credential,
      now.leaf.credential,
      now.leaf.signaturePublicKey,
      options,
    );
  }
}

/**
 * `processMessage` of `@mimi/mls-profile` with the successor-credential rule: the message is
 * processed (the Authentication Service in the state's configuration validates each new
 * credential), then each leaf whose credential changed is checked to still name the same client.
 * On failure the error is thrown and the caller keeps `state` (group states are immutable).
 *
 * @throws CertificateValidationError (`identity-changed`) when an Update or a Commit's path
 *   changes a member's identity; whatever `processMessage` throws otherwise.
 */
export async function processMessageWithIdentity(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  message: MLSMessage | Uint8Array,
  options: CredentialValidationOptions & { readonly pskIndex?: PskIndex },
): Promise<ProcessedMessage> {
  const removed = new Set<number>();
  const result = await processMessage(state, cs, message, {
    ...(options.pskIndex === undefined ? {} : { pskIndex: options.pskIndex }),
    policy: (incoming) => {
      if (incoming.kind === "commit") {
        for (const p of incoming.proposals) {
          if (p.proposal.proposalType === "remove") removed.add(p.proposal.remove.removed);
        }
      }
      return "accept";
    },
  });
  await checkSuccessorLeaves(state.ratchetTree, result.state.ratchetTree, removed, options);
  return result;
}
