import { ValidationError } from "@mimi/wire";
import { CborReader, encodeCbor, tokenName } from "./codec/cbor.js";
import { type Expiration, expirationToCbor, readExpiration } from "./expiration.js";
import { type Extensions, extensionsToCbor, readExtensions } from "./extensions.js";
import { type NestedPart, nestedPartToCbor, readNestedPart } from "./nested-part.js";

/** Size of the salt in octets (§4.1). */
export const SALT_LENGTH = 16;
/** Size of a MessageId in octets (§3.3). */
export const MESSAGE_ID_LENGTH = 32;

/**
 * draft-ietf-mimi-content-08 §4.1 / A.1:
 *
 * ```cddl
 * mimiContent = [
 *   salt: bstr .size 16,
 *   replaces: null / MessageId,
 *   topicId: bstr,
 *   expires: null / Expiration,
 *   inReplyTo: null / MessageId,
 *   mimiExtensions: extensions,
 *   nestedPart: NestedPart
 * ]
 * MessageId = bstr .size 32
 * ```
 */
export interface MimiContent {
  readonly salt: Uint8Array;
  readonly replaces: Uint8Array | null;
  readonly topicId: Uint8Array;
  readonly expires: Expiration | null;
  readonly inReplyTo: Uint8Array | null;
  readonly mimiExtensions: Extensions;
  readonly nestedPart: NestedPart;
}

function readMessageIdOrNull(r: CborReader, path: string): Uint8Array | null {
  const t = r.field(path);
  if (t.type.major === 7 && t.value === null) return null;
  if (t.type.major !== 2 || (t.value as Uint8Array).length !== MESSAGE_ID_LENGTH) {
    // [CONTENT-MSG-03] draft-ietf-mimi-content-08 §4.1: replaces and inReplyTo are null or MessageId (bstr .size 32).
    r.fail(
      `expected null or MessageId (bstr .size 32), got ${tokenName(t)}${t.type.major === 2 ? ` of ${(t.value as Uint8Array).length} octets` : ""}`,
      path,
      "CONTENT-MSG-03",
    );
  }
  return t.value as Uint8Array;
}

/**
 * Decode `application/mimi-content` strictly: deterministic CBOR (RFC 8949 §4.2.1) exactly in the
 * shape of Appendix A.1, with the §6 data-model and depth restrictions.
 *
 * @example
 * ```ts
 * const content = decodeMimiContent(bytes);
 * content.nestedPart.cardinality; // 1 = single
 * ```
 * @throws CodecError naming the path (a JSON pointer) and the requirement ID of the first violation.
 */
export function decodeMimiContent(bytes: Uint8Array): MimiContent {
  const r = new CborReader(bytes);
  const head = r.field("/");
  if (head.type.major !== 4 || head.value !== 7) {
    // [CONTENT-MSG-01] draft-ietf-mimi-content-08 App. A.1: mimiContent is an array of exactly 7 elements of the given types.
    r.fail(
      `expected mimiContent array(7), got ${tokenName(head)}${head.type.major === 4 ? `(${head.value as number})` : ""}`,
      "/",
      "CONTENT-MSG-01",
    );
  }
  const s = r.field("/salt");
  if (s.type.major !== 2 || (s.value as Uint8Array).length !== SALT_LENGTH) {
    // [CONTENT-MSG-02] draft-ietf-mimi-content-08 §4.1: salt is bstr .size 16.
    r.fail(
      `expected bstr .size 16, got ${tokenName(s)}${s.type.major === 2 ? ` of ${(s.value as Uint8Array).length} octets` : ""}`,
      "/salt",
      "CONTENT-MSG-02",
    );
  }
  const replaces = readMessageIdOrNull(r, "/replaces");
  const topic = r.field("/topicId");
  // [CONTENT-MSG-04] draft-ietf-mimi-content-08 §4.1: topicId is bstr.
  if (topic.type.major !== 2) r.fail(`expected bstr, got ${tokenName(topic)}`, "/topicId", "CONTENT-MSG-04");
  let expires: Expiration | null = null;
  if (bytes[r.pos] === 0xf6) r.field("/expires");
  else expires = readExpiration(r, "/expires");
  const inReplyTo = readMessageIdOrNull(r, "/inReplyTo");
  const mimiExtensions = readExtensions(r, "/mimiExtensions");
  const nestedPart = readNestedPart(r, "/nestedPart", 1);
  r.end();
  return {
    salt: s.value as Uint8Array,
    replaces,
    topicId: topic.value as Uint8Array,
    expires,
    inReplyTo,
    mimiExtensions,
    nestedPart,
  };
}

function messageIdOrNull(v: Uint8Array | null, path: string): Uint8Array | null {
  if (v !== null && (!(v instanceof Uint8Array) || v.length !== MESSAGE_ID_LENGTH)) {
    throw new ValidationError("expected null or MessageId (bstr .size 32)", { path, rule: "CONTENT-MSG-03" });
  }
  return v;
}

/**
 * Encode `application/mimi-content` with deterministic CBOR (RFC 8949 §4.2.1): the output is
 * accepted by {@link decodeMimiContent} and decodes to an equal value.
 *
 * @throws ValidationError when `content` breaks the CDDL or the §6 restrictions (path and rule named).
 */
export function encodeMimiContent(content: MimiContent): Uint8Array {
  if (!(content.salt instanceof Uint8Array) || content.salt.length !== SALT_LENGTH) {
    throw new ValidationError("salt is not bstr .size 16", { path: "/salt", rule: "CONTENT-MSG-02" });
  }
  if (!(content.topicId instanceof Uint8Array)) {
    throw new ValidationError("topicId is not bytes", { path: "/topicId", rule: "CONTENT-MSG-04" });
  }
  return encodeCbor([
    content.salt,
    messageIdOrNull(content.replaces, "/replaces"),
    content.topicId,
    content.expires === null ? null : expirationToCbor(content.expires, "/expires"),
    messageIdOrNull(content.inReplyTo, "/inReplyTo"),
    extensionsToCbor(content.mimiExtensions, "/mimiExtensions"),
    nestedPartToCbor(content.nestedPart, "/nestedPart", 1),
  ]);
}
