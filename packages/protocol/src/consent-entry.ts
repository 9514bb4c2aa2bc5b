import { type AppDataDictionary, appDataDictionaryCodec, type KeyPackage } from "@mimi/mls-profile";
import { type Codec, enumeration, optional, select, vector } from "@mimi/wire";
import { keyPackage, type Mls } from "./codec/mls.js";
import { type IdentifierUri, identifierUriCodec, type RoomId } from "./identifier-uri.js";

/**
 * draft-ietf-mimi-protocol-06 §5.7 `ConsentOperation`:
 *
 * ```tls
 * enum {
 *   cancel(0),
 *   request(1),
 *   grant(2),
 *   revoke(3),
 *   (255)
 * } ConsentOperation;
 * ```
 */
export const consentOperations = { cancel: 0, request: 1, grant: 2, revoke: 3 } as const;
/** A `ConsentOperation` name, or an unassigned code point. */
export type ConsentOperation = keyof typeof consentOperations | number;

/**
 * draft-ietf-mimi-protocol-06 §5.7 `ConsentEntry` (`RoomId` read as `IdentifierUri`,
 * DI-PROTO-03):
 *
 * ```tls
 * struct {
 *   ConsentOperation consentOperation;
 *   IdentifierUri requesterUri;
 *   IdentifierUri targetUri;
 *   optional<RoomId> roomId;
 *   select (consentOperation) {
 *       case grant:
 *           KeyPackage clientKeyPackages<V>;
 *   };
 *   AppDataDictionary consent_extensions;
 * } ConsentEntry;
 * ```
 */
export type ConsentEntry = {
  readonly requesterUri: IdentifierUri;
  readonly targetUri: IdentifierUri;
  readonly roomId?: RoomId;
  readonly consent_extensions: AppDataDictionary;
} & (
  | { readonly consentOperation: "grant"; readonly clientKeyPackages: readonly Mls<KeyPackage>[] }
  | { readonly consentOperation: Exclude<ConsentOperation, "grant"> }
);

/** The `ConsentEntry` codec. */
export const consentEntryCodec: Codec<ConsentEntry> = select("ConsentEntry", {
  head: [
    ["consentOperation", enumeration("ConsentOperation", consentOperations)],
    ["requesterUri", identifierUriCodec],
    ["targetUri", identifierUriCodec],
    ["roomId", optional(identifierUriCodec)],
  ],
  on: "consentOperation",
  arms: { grant: [["clientKeyPackages", vector(keyPackage)]] },
  otherwise: [],
  tail: [["consent_extensions", appDataDictionaryCodec]],
});
