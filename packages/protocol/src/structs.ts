/**
 * Every protocol-06 body by name: the codecs the command line and the server look bodies up by.
 */
import { appDataDictionaryCodec } from "@mimi/mls-profile";
import { type Codec, CodecError, decodeWith, encodeWith, type Json } from "@mimi/wire";
import { type AbuseReport, abuseReportCodec } from "./abuse-report.js";
import { abusiveMessageCodec } from "./abusive-message.js";
import { type ConsentEntry, consentEntryCodec } from "./consent-entry.js";
import { consentScopeCodec } from "./consent-scope.js";
import {
  decodeFanoutMessages,
  encodeFanoutMessages,
  type FanoutMessage,
  fanoutMessageCodec,
} from "./fanout-message.js";
import { frankCodec } from "./frank.js";
import { frankingIntegrityTBSCodec } from "./franking-integrity-tbs.js";
import { groupInfoOptionCodec } from "./group-info-option.js";
import { groupInfoRatchetTreeTBECodec } from "./group-info-ratchet-tree-tbe.js";
import {
  type GroupInfoRequest,
  groupInfoRequestCodec,
  groupInfoRequestTBSCodec,
} from "./group-info-request.js";
import {
  type GroupInfoResponse,
  groupInfoResponseCodec,
  groupInfoResponseTBSCodec,
} from "./group-info-response.js";
import { handshakeBundleCodec } from "./handshake-bundle.js";
import { type IdentifierRequest, identifierRequestCodec } from "./identifier-request.js";
import { type IdentifierResponse, identifierResponseCodec } from "./identifier-response.js";
import { identifierUriCodec } from "./identifier-uri.js";
import {
  type KeyMaterialRequest,
  keyMaterialRequestCodec,
  keyMaterialRequestTBSCodec,
} from "./key-material-request.js";
import {
  clientKeyMaterialCodec,
  type KeyMaterialResponse,
  keyMaterialResponseCodec,
} from "./key-material-response.js";
import { partialGroupInfoCodec } from "./partial-group-info.js";
import { pendingProposalCodec } from "./pending-proposal.js";
import { profileFieldCodec } from "./profile-field.js";
import { queryElementCodec } from "./query-element.js";
import { ratchetTreeOptionCodec } from "./ratchet-tree-option.js";
import { serverFrankingContextCodec } from "./server-franking-context.js";
import { type SubmitMessageRequest, submitMessageRequestCodec } from "./submit-message-request.js";
import { type SubmitMessageResponse, submitMessageResponseCodec } from "./submit-message-response.js";
import { type UpdateRequest, updateRequestCodec } from "./update-request.js";
import { type UpdateRoomResponse, updateRoomResponseCodec } from "./update-room-response.js";
import { userProfileCodec } from "./user-profile.js";

/** Every named structure of protocol-06 §5 (and the ratchet-tree-options structures it uses). */
export const structCodecs: Readonly<Record<string, Codec<unknown>>> = Object.fromEntries(
  [
    identifierUriCodec,
    keyMaterialRequestCodec,
    keyMaterialRequestTBSCodec,
    keyMaterialResponseCodec,
    clientKeyMaterialCodec,
    updateRequestCodec,
    handshakeBundleCodec,
    groupInfoOptionCodec,
    ratchetTreeOptionCodec,
    partialGroupInfoCodec,
    updateRoomResponseCodec,
    submitMessageRequestCodec,
    submitMessageResponseCodec,
    frankCodec,
    fanoutMessageCodec,
    groupInfoRequestCodec,
    groupInfoRequestTBSCodec,
    groupInfoResponseCodec,
    groupInfoResponseTBSCodec,
    groupInfoRatchetTreeTBECodec,
    pendingProposalCodec,
    consentEntryCodec,
    consentScopeCodec,
    identifierRequestCodec,
    queryElementCodec,
    identifierResponseCodec,
    userProfileCodec,
    profileFieldCodec,
    abuseReportCodec,
    abusiveMessageCodec,
    serverFrankingContextCodec,
    frankingIntegrityTBSCodec,
    appDataDictionaryCodec,
  ].map((c): [string, Codec<unknown>] => [c.name, c]),
);

/** The pseudo-structure name of a `/notify` body: one or more concatenated FanoutMessages. */
export const FANOUT_MESSAGES = "FanoutMessages";

/** Names accepted by {@link decodeStructToJson} / {@link encodeStructFromJson}. */
export const structNames: readonly string[] = [...Object.keys(structCodecs), FANOUT_MESSAGES];

function codecFor(name: string): Codec<unknown> | undefined {
  return Object.hasOwn(structCodecs, name) ? structCodecs[name] : undefined;
}

/**
 * Decode a structure by name to JSON (see the JSON mapping of `@mimi/wire`'s codecs).
 * `FanoutMessages` decodes a whole `/notify` body to an array.
 *
 * @throws CodecError for malformed bytes.
 * @throws CodecError when `name` is not a structure name (see {@link structNames}).
 */
export function decodeStructToJson(name: string, bytes: Uint8Array): Json {
  if (name === FANOUT_MESSAGES) return decodeFanoutMessages(bytes).map((m) => fanoutMessageCodec.toJson(m));
  const codec = codecFor(name);
  if (codec === undefined) throw new CodecError(`unknown structure ${name}`);
  return codec.toJson(decodeWith(codec, bytes));
}

/**
 * Encode a structure by name from JSON.
 *
 * @throws CodecError when the JSON does not have the structure's shape.
 * @throws CodecError when `name` is not a structure name.
 */
export function encodeStructFromJson(name: string, json: unknown): Uint8Array {
  if (name === FANOUT_MESSAGES) {
    if (!Array.isArray(json)) return encodeFanoutMessages([fanoutMessageCodec.fromJson(json, "/")]);
    return encodeFanoutMessages(json.map((m, i) => fanoutMessageCodec.fromJson(m, `/${i}`)));
  }
  const codec = codecFor(name);
  if (codec === undefined) throw new CodecError(`unknown structure ${name}`);
  return encodeWith(codec, codec.fromJson(json, "/"));
}

/** Decode a `KeyMaterialRequest` (§5.2); unverified until `verifyKeyMaterialRequest`. @throws CodecError */
export function decodeKeyMaterialRequest(bytes: Uint8Array): KeyMaterialRequest {
  return decodeWith(keyMaterialRequestCodec, bytes);
}
/** Encode a `KeyMaterialRequest`. @throws CodecError */
export function encodeKeyMaterialRequest(v: KeyMaterialRequest): Uint8Array {
  return encodeWith(keyMaterialRequestCodec, v);
}
/** Decode a `KeyMaterialResponse` (§5.2). @throws CodecError */
export function decodeKeyMaterialResponse(bytes: Uint8Array): KeyMaterialResponse {
  return decodeWith(keyMaterialResponseCodec, bytes);
}
/** Encode a `KeyMaterialResponse`. @throws CodecError */
export function encodeKeyMaterialResponse(v: KeyMaterialResponse): Uint8Array {
  return encodeWith(keyMaterialResponseCodec, v);
}
/** Decode an `UpdateRequest` (§5.3). @throws CodecError */
export function decodeUpdateRequest(bytes: Uint8Array): UpdateRequest {
  return decodeWith(updateRequestCodec, bytes);
}
/** Encode an `UpdateRequest`. @throws CodecError */
export function encodeUpdateRequest(v: UpdateRequest): Uint8Array {
  return encodeWith(updateRequestCodec, v);
}
/** Decode an `UpdateRoomResponse` (§5.3). @throws CodecError */
export function decodeUpdateRoomResponse(bytes: Uint8Array): UpdateRoomResponse {
  return decodeWith(updateRoomResponseCodec, bytes);
}
/** Encode an `UpdateRoomResponse`. @throws CodecError */
export function encodeUpdateRoomResponse(v: UpdateRoomResponse): Uint8Array {
  return encodeWith(updateRoomResponseCodec, v);
}
/** Decode a `SubmitMessageRequest` (§5.4). @throws CodecError */
export function decodeSubmitMessageRequest(bytes: Uint8Array): SubmitMessageRequest {
  return decodeWith(submitMessageRequestCodec, bytes);
}
/** Encode a `SubmitMessageRequest`. @throws CodecError */
export function encodeSubmitMessageRequest(v: SubmitMessageRequest): Uint8Array {
  return encodeWith(submitMessageRequestCodec, v);
}
/** Decode a `SubmitMessageResponse` (§5.4). @throws CodecError */
export function decodeSubmitMessageResponse(bytes: Uint8Array): SubmitMessageResponse {
  return decodeWith(submitMessageResponseCodec, bytes);
}
/** Encode a `SubmitMessageResponse`. @throws CodecError */
export function encodeSubmitMessageResponse(v: SubmitMessageResponse): Uint8Array {
  return encodeWith(submitMessageResponseCodec, v);
}
/** Decode one `FanoutMessage` (§5.5). @throws CodecError */
export function decodeFanoutMessage(bytes: Uint8Array): FanoutMessage {
  return decodeWith(fanoutMessageCodec, bytes);
}
/** Encode one `FanoutMessage`. @throws CodecError */
export function encodeFanoutMessage(v: FanoutMessage): Uint8Array {
  return encodeWith(fanoutMessageCodec, v);
}
/** Decode a `GroupInfoRequest` (§5.6); unverified until `verifyGroupInfoRequest`. @throws CodecError */
export function decodeGroupInfoRequest(bytes: Uint8Array): GroupInfoRequest {
  return decodeWith(groupInfoRequestCodec, bytes);
}
/** Encode a `GroupInfoRequest`. @throws CodecError */
export function encodeGroupInfoRequest(v: GroupInfoRequest): Uint8Array {
  return encodeWith(groupInfoRequestCodec, v);
}
/** Decode a `GroupInfoResponse` (§5.6). @throws CodecError */
export function decodeGroupInfoResponse(bytes: Uint8Array): GroupInfoResponse {
  return decodeWith(groupInfoResponseCodec, bytes);
}
/** Encode a `GroupInfoResponse`. @throws CodecError */
export function encodeGroupInfoResponse(v: GroupInfoResponse): Uint8Array {
  return encodeWith(groupInfoResponseCodec, v);
}
/** Decode a `ConsentEntry` (§5.7). @throws CodecError */
export function decodeConsentEntry(bytes: Uint8Array): ConsentEntry {
  return decodeWith(consentEntryCodec, bytes);
}
/** Encode a `ConsentEntry`. @throws CodecError */
export function encodeConsentEntry(v: ConsentEntry): Uint8Array {
  return encodeWith(consentEntryCodec, v);
}
/** Decode an `IdentifierRequest` (§5.8). @throws CodecError */
export function decodeIdentifierRequest(bytes: Uint8Array): IdentifierRequest {
  return decodeWith(identifierRequestCodec, bytes);
}
/** Encode an `IdentifierRequest`. @throws CodecError */
export function encodeIdentifierRequest(v: IdentifierRequest): Uint8Array {
  return encodeWith(identifierRequestCodec, v);
}
/** Decode an `IdentifierResponse` (§5.8). @throws CodecError */
export function decodeIdentifierResponse(bytes: Uint8Array): IdentifierResponse {
  return decodeWith(identifierResponseCodec, bytes);
}
/** Encode an `IdentifierResponse`. @throws CodecError */
export function encodeIdentifierResponse(v: IdentifierResponse): Uint8Array {
  return encodeWith(identifierResponseCodec, v);
}
/** Decode an `AbuseReport` (§5.9). @throws CodecError */
export function decodeAbuseReport(bytes: Uint8Array): AbuseReport {
  return decodeWith(abuseReportCodec, bytes);
}
/** Encode an `AbuseReport`. @throws CodecError */
export function encodeAbuseReport(v: AbuseReport): Uint8Array {
  return encodeWith(abuseReportCodec, v);
}
