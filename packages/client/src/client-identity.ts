/**
 * A client's identity from its provider's development PKI: the MLS signature key pair, the X.509
 * credential binding it to the client and user URIs (draft-mahy-mimi-identity-05 §6.1, decision
 * 0400), and a TLS client certificate for the provider's client API.
 */
import {
  type CertifiedKeyPem,
  claimedIdentity,
  decodePem,
  issueClientCertificate,
  spkiFromMlsSignatureKey,
} from "@mimi/identity";
import {
  type Credential,
  generateSignatureKeyPair,
  type MlsCiphersuite,
  type SignatureKeyPair,
} from "@mimi/mls-profile";
import { utf8, ValidationError } from "@mimi/wire";

/** Everything one MLS client of one user holds about itself. */
export interface ProvisionedClient {
  /** The user URI (`mimi://<domain>/u/<name>`), the participant-list entry. */
  readonly userUri: string;
  /** The client URI (`mimi://<domain>/d/<user>/<device>`). */
  readonly clientUri: string;
  /** The MLS signature key pair every LeafNode of this client uses. */
  readonly signatureKeyPair: SignatureKeyPair;
  /** RFC 9420 §5.3 `x509` credential: the client certificate for the signature key. */
  readonly credential: Credential;
  /**
   * A TLS client certificate and key (PEM) naming the same client, for the client API; absent for
   * a client that signs its requests instead (an enrolled one, decision 0810).
   */
  readonly tls?: { readonly certificatePem: string; readonly privateKeyPem: string };
}

/** Options of {@link provisionClient}. */
export interface ProvisionOptions {
  readonly userUri: string;
  readonly clientUri: string;
  readonly cs: MlsCiphersuite;
  /** Issuance time of both certificates (default now). */
  readonly now?: Date;
  /**
   * Issuance time of the TLS certificate alone (default `now`): a recorded run with a fixed clock
   * issues its MLS credential at the fixed time and its TLS certificate at the real time, which
   * the TLS stack checks.
   */
  readonly tlsNow?: Date;
}

/**
 * Provision a client under its provider's CA: a fresh MLS signature key pair with a client
 * certificate for it (the MLS credential), and a second client certificate with its own key for
 * TLS (decision 0800: the MLS key never leaves the MLS layer).
 *
 * @throws ValidationError when the URIs are malformed or not under the CA's domain.
 */
export async function provisionClient(
  ca: CertifiedKeyPem,
  options: ProvisionOptions,
): Promise<ProvisionedClient> {
  const signatureKeyPair = await generateSignatureKeyPair(options.cs);
  const ids = {
    userUri: options.userUri,
    clientUri: options.clientUri,
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const mls = await issueClientCertificate(ca, {
    ...ids,
    publicKey: spkiFromMlsSignatureKey(signatureKeyPair.publicKey),
  });
  const tls = await issueClientCertificate(
    ca,
    options.tlsNow === undefined ? ids : { ...ids, now: options.tlsNow },
  );
  if (tls.privateKeyPem === undefined) {
    throw new ValidationError("the CA returned no TLS client key", { path: "/tls" });
  }
  return {
    userUri: options.userUri,
    clientUri: options.clientUri,
    signatureKeyPair,
    credential: {
      credentialType: "x509",
      certificates: [decodePem(mls.certificatePem, "CERTIFICATE")],
    },
    tls: { certificatePem: tls.certificatePem, privateKeyPem: tls.privateKeyPem },
  };
}

/**
 * The user URI (as participant-list bytes) of a client credential, without validating it (the
 * Authentication Service validated it when the leaf was accepted).
 *
 * @throws ValidationError when the credential is not an x509 client credential.
 */
export function userOfCredential(credential: Credential): Uint8Array {
  const id = claimedIdentity(credential);
  if (!id.authenticated || id.subject.kind !== "client") {
    throw new ValidationError("a member's credential must be an x509 client credential", {
      path: "/credential",
    });
  }
  return utf8(id.subject.userUri);
}

/**
 * The client URI of a client credential.
 *
 * @throws ValidationError when the credential is not an x509 client credential.
 */
export function clientOfCredential(credential: Credential): string {
  const id = claimedIdentity(credential);
  if (!id.authenticated || id.subject.kind !== "client") {
    throw new ValidationError("a member's credential must be an x509 client credential", {
      path: "/credential",
    });
  }
  return id.subject.clientUri;
}
