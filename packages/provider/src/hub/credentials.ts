/**
 * Which MIMI client an MLS credential stands for. The hub needs it to route (a client's provider
 * is its URI's domain), to map members to participant-list users, and the KeyPackage store to
 * check an upload names the uploading client.
 *
 * A basic credential's identity is the client's URI in UTF-8 (decision 0620); an X.509 credential
 * names the client in its end-entity certificate's SAN URI (`@mimi/identity`). The credential is
 * not authenticated here: the hub view checks every signature against the credential's key, and
 * the clients' Authentication Service validates the credential itself.
 */
import { parseMimiUri, userOfClient } from "@mimi/identifiers";
import { claimedIdentity } from "@mimi/identity";
import type { Credential } from "@mimi/mls-profile";

/** The canonical client URI a credential names, or undefined when it names none. */
export function clientUriOfCredential(credential: Credential): string | undefined {
  try {
    if (credential.credentialType === "basic") {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(credential.identity);
      const parsed = parseMimiUri(text);
      return parsed.kind === "d" ? parsed.uri : undefined;
    }
    const id = claimedIdentity(credential);
    return id.authenticated && id.subject.kind === "client" ? id.subject.clientUri : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The user URI a credential's client belongs to (as in the participant list), or undefined: an
 * X.509 credential's user (or pseudonym) URI from its SAN, a basic credential's client's user.
 */
export function userUriOfCredential(credential: Credential): string | undefined {
  try {
    if (credential.credentialType !== "basic") {
      const id = claimedIdentity(credential);
      return id.authenticated && id.subject.kind === "client" ? id.subject.userUri : undefined;
    }
    const client = clientUriOfCredential(credential);
    return client === undefined ? undefined : userOfClient(client);
  } catch {
    return undefined;
  }
}

/** The provider domain of a MIMI URI, or undefined when it does not parse. */
export function domainOfUri(uri: string): string | undefined {
  try {
    return parseMimiUri(uri).domain;
  } catch {
    return undefined;
  }
}
