import { type AppDataDictionary, appDataDictionaryCodec } from "@mimi/mls-profile";
import { type Codec, enumeration, struct, utf8String, vector } from "@mimi/wire";
import { type AbusiveMessage, abusiveMessageCodec } from "./abusive-message.js";
import { type IdentifierUri, identifierUriCodec } from "./identifier-uri.js";

/**
 * draft-ietf-mimi-protocol-06 §5.9 `AbuseType` (no values defined yet: every code point is kept
 * as a number):
 *
 * ```tls
 * enum {
 *   reserved(0),
 *   (255)
 * } AbuseType;
 * ```
 */
export const abuseTypes = { reserved: 0 } as const;
/** An `AbuseType` name, or an unassigned code point. */
export type AbuseType = keyof typeof abuseTypes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.9 `AbuseReport` (`note` is UTF-8 per the text, so it is read as
 * a string):
 *
 * ```tls
 * struct {
 *   IdentifierUri reportingUser;
 *   IdentifierUri allegedAbuserUri;
 *   AbuseType reasonCode;
 *   opaque note<V>;
 *   AbusiveMessage messages<V>;
 *   AppDataDictionary abuse_extensions;
 * } AbuseReport;
 * ```
 */
export interface AbuseReport {
  readonly reportingUser: IdentifierUri;
  readonly allegedAbuserUri: IdentifierUri;
  readonly reasonCode: AbuseType;
  readonly note: string;
  readonly messages: readonly AbusiveMessage[];
  readonly abuse_extensions: AppDataDictionary;
}

/** The `AbuseReport` codec. */
export const abuseReportCodec: Codec<AbuseReport> = struct("AbuseReport", [
  ["reportingUser", identifierUriCodec],
  ["allegedAbuserUri", identifierUriCodec],
  ["reasonCode", enumeration("AbuseType", abuseTypes)],
  ["note", utf8String],
  ["messages", vector(abusiveMessageCodec)],
  ["abuse_extensions", appDataDictionaryCodec],
]);
