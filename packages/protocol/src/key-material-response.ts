import type { Capabilities, KeyPackage } from "@mimi/mls-profile";
import { type Codec, enumeration, optional, select, struct, ValidationError, vector } from "@mimi/wire";
import { capabilities, keyPackage, type Mls } from "./codec/mls.js";
import { type IdentifierUri, identifierUriCodec } from "./identifier-uri.js";
import { type Protocol, protocolCodec } from "./protocol.js";

/**
 * draft-ietf-mimi-protocol-06 §5.2 `KeyMaterialUserCode` (printed with `;` separators, read as `,`):
 *
 * ```tls
 * enum {
 *     success(0);
 *     partialSuccess(1);
 *     incompatibleProtocol(2);
 *     noCompatibleMaterial(3);
 *     userUnknown(4);
 *     noConsent(5);
 *     noConsentForThisRoom(6);
 *     userDeleted(7);
 *     (255)
 * } KeyMaterialUserCode;
 * ```
 */
export const keyMaterialUserCodes = {
  success: 0,
  partialSuccess: 1,
  incompatibleProtocol: 2,
  noCompatibleMaterial: 3,
  userUnknown: 4,
  noConsent: 5,
  noConsentForThisRoom: 6,
  userDeleted: 7,
} as const;
/** A `KeyMaterialUserCode` name, or an unassigned code point. */
export type KeyMaterialUserCode = keyof typeof keyMaterialUserCodes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.2 `KeyMaterialClientCode`:
 *
 * ```tls
 * enum {
 *     success(0);
 *     keyMaterialExhausted(1),
 *     nothingCompatible(2),
 *     (255)
 * } KeyMaterialClientCode;
 * ```
 */
export const keyMaterialClientCodes = { success: 0, keyMaterialExhausted: 1, nothingCompatible: 2 } as const;
/** A `KeyMaterialClientCode` name, or an unassigned code point. */
export type KeyMaterialClientCode = keyof typeof keyMaterialClientCodes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.2 `ClientKeyMaterial`:
 *
 * ```tls
 * struct {
 *     KeyMaterialClientCode clientStatus;
 *     IdentifierUri clientUri;
 *     select (protocol) {
 *         case mls10:
 *             select (clientStatus) {
 *                 case success:
 *                     KeyPackage keyPackage;
 *                 case nothingCompatible:
 *                     optional<Capabilities> clientCapabilities;
 *             };
 *     };
 * } ClientKeyMaterial;
 * ```
 *
 * `protocol` is the enclosing response's, which is always `mls10` here.
 */
export type ClientKeyMaterial =
  | {
      readonly clientStatus: "success";
      readonly clientUri: IdentifierUri;
      readonly keyPackage: Mls<KeyPackage>;
    }
  | {
      readonly clientStatus: "nothingCompatible";
      readonly clientUri: IdentifierUri;
      readonly clientCapabilities?: Mls<Capabilities>;
    }
  | {
      readonly clientStatus: Exclude<KeyMaterialClientCode, "success" | "nothingCompatible">;
      readonly clientUri: IdentifierUri;
    };

/** The `ClientKeyMaterial` codec. */
export const clientKeyMaterialCodec: Codec<ClientKeyMaterial> = select("ClientKeyMaterial", {
  head: [
    ["clientStatus", enumeration("KeyMaterialClientCode", keyMaterialClientCodes)],
    ["clientUri", identifierUriCodec],
  ],
  on: "clientStatus",
  arms: {
    success: [["keyPackage", keyPackage]],
    nothingCompatible: [["clientCapabilities", optional(capabilities)]],
  },
  otherwise: [],
});

/**
 * draft-ietf-mimi-protocol-06 §5.2 `KeyMaterialResponse`:
 *
 * ```tls
 * struct {
 *     Protocol protocol;
 *     KeyMaterialUserCode userStatus;
 *     IdentifierUri userUri;
 *     ClientKeyMaterial clients<V>;
 * } KeyMaterialResponse;
 * ```
 */
export interface KeyMaterialResponse {
  readonly protocol: Protocol;
  readonly userStatus: KeyMaterialUserCode;
  readonly userUri: IdentifierUri;
  readonly clients: readonly ClientKeyMaterial[];
}

/** The `KeyMaterialResponse` codec. */
export const keyMaterialResponseCodec: Codec<KeyMaterialResponse> = struct("KeyMaterialResponse", [
  ["protocol", protocolCodec],
  ["userStatus", enumeration("KeyMaterialUserCode", keyMaterialUserCodes)],
  ["userUri", identifierUriCodec],
  ["clients", vector(clientKeyMaterialCodec)],
]);

const codesWithClients: ReadonlySet<KeyMaterialUserCode> = new Set([
  "success",
  "partialSuccess",
  "noCompatibleMaterial",
]);

/**
 * Check the rules of §5.2 a decoded response must meet.
 *
 * @throws ValidationError when a failure code other than `noCompatibleMaterial` lists clients.
 */
export function checkKeyMaterialResponse(response: KeyMaterialResponse): void {
  // [PROTO-KM-03] draft-ietf-mimi-protocol-06 §5.2: for failure codes other than
  // noCompatibleMaterial the provider MUST NOT populate the clients list (decision 0602: success
  // and partialSuccess enumerate the clients, as the preceding sentence of §5.2 says).
  if (!codesWithClients.has(response.userStatus) && response.clients.length > 0) {
    throw new ValidationError(
      `userStatus ${String(response.userStatus)} must come with an empty clients list`,
      {
        path: "/clients",
        rule: "PROTO-KM-03",
      },
    );
  }
}
