/**
 * The hub of a room as this client accepts it (protocol-06 §7.4, decision 0802): the provider of
 * the room's domain, named by an x509 provider credential or a basic `mimi://<domain>` one.
 */

import { parseMimiUri } from "@mimi/identifiers";
import { authenticateCredential, createX509AuthenticationService, type TrustStore } from "@mimi/identity";
import {
  type AuthenticationService,
  type ExternalSender,
  externalSendersOf,
  type MlsGroupState,
} from "@mimi/mls-profile";
import { fromUtf8, MimiError, ValidationError } from "@mimi/wire";

/** The domain of a room URI. */
export function roomDomain(roomUri: string): string {
  return parseMimiUri(roomUri).domain;
}

/** The provider domain a basic credential names (`mimi://<domain>`, decision 0801), if any. */
function providerOfBasic(identity: Uint8Array): string | undefined {
  let text: string;
  try {
    text = fromUtf8(identity);
    const p = parseMimiUri(text);
    return p.kind === "provider" ? p.domain : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Authentication Service of every room: x509 credentials under `trust`, and basic ones only
 * when they name a provider. Provider credentials (x509, or the hub's basic `mimi://<domain>`)
 * are accepted only so that hubs can be external senders; a member's leaf must still be an x509
 * client credential (userOfCredential rejects anything else; decision 0801).
 */
export function roomAuthService(trust: TrustStore): AuthenticationService {
  const x509 = createX509AuthenticationService({ trust, allowProviderCredentials: true });
  return {
    validateCredential: (credential, signaturePublicKey) =>
      credential.credentialType === "basic"
        ? Promise.resolve(providerOfBasic(credential.identity) !== undefined)
        : x509.validateCredential(credential, signaturePublicKey),
  };
}

/**
 * [CLIENT-HUB-01] draft-ietf-mimi-protocol-06 §7.4: the hub of a room is the provider of the
 * room's domain; the SDK accepts a hub external sender only when its x509 credential
 * authenticates as that provider, or its basic credential is that provider's URI (decision 0802).
 */
export async function checkHub(
  trust: TrustStore,
  hub: ExternalSender,
  roomUri: string,
  path: string,
): Promise<void> {
  const domain = roomDomain(roomUri);
  if (hub.credential.credentialType === "basic") {
    if (providerOfBasic(hub.credential.identity) === domain) return;
    throw new ValidationError(`the hub's basic credential does not name provider ${domain}`, {
      path,
      rule: "CLIENT-HUB-01",
    });
  }
  let ok = false;
  try {
    const id = await authenticateCredential(hub.credential, hub.signaturePublicKey, {
      trust,
      allowProviderCredentials: true,
    });
    ok = id.authenticated && id.subject.kind === "provider" && id.subject.domain === domain;
  } catch (e) {
    if (!(e instanceof MimiError)) throw e;
  }
  if (!ok) {
    throw new ValidationError(`the hub's credential does not authenticate as provider ${domain}`, {
      path,
      rule: "CLIENT-HUB-01",
    });
  }
}

/** Find the room's hub among a group's external senders (see {@link checkHub}). */
export async function hubIn(
  trust: TrustStore,
  state: MlsGroupState,
  roomUri: string,
): Promise<ExternalSender> {
  for (const sender of externalSendersOf(state.groupContext.extensions) ?? []) {
    try {
      await checkHub(trust, sender, roomUri, "/external_senders");
      return sender;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
    }
  }
  throw new ValidationError(`no external sender authenticates as the hub of ${roomUri}`, {
    path: "/group_context/extensions/external_senders",
    rule: "CLIENT-HUB-01",
  });
}
