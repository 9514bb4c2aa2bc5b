import { ValidationError } from "@mimi/wire";
import { CborReader, type CborTag, encodeCbor, readAny, tokenName, validateAny } from "./codec/cbor.js";
import { MESSAGE_ID_LENGTH } from "./mimi-content.js";

/** CBOR tag of RFC 9581 extended time. */
export const EXTENDED_TIME_TAG = 1001;

/**
 * draft-ietf-mimi-content-08 §4.6 / A.2 (values implied by the MLS context, never sent inside the
 * content; this codec exists for the draft's `implied-original` example and for tools):
 *
 * ```cddl
 * MessageDerivedValues = [
 *     messageId: MessageId,
 *     hubAcceptedTimestamp: Timestamp,
 *     mlsGroupId: bstr,
 *     senderLeafIndex: uint .size 4,
 *     senderClientUrl: MsgUri,
 *     senderUserUrl: MsgUri,
 *     roomUrl: MsgUri
 * ]
 * Timestamp = MsecsSinceEpoch / ExtendedTime
 * MsecsSinceEpoch = uint .size 8
 * ExtendedTime = #6.1001({* name => value })
 * ```
 */
export interface MessageDerivedValues {
  readonly messageId: Uint8Array;
  /** Milliseconds since the UNIX epoch, or an RFC 9581 extended time (tag 1001). */
  readonly hubAcceptedTimestamp: number | bigint | CborTag;
  readonly mlsGroupId: Uint8Array;
  readonly senderLeafIndex: number;
  readonly senderClientUrl: string;
  readonly senderUserUrl: string;
  readonly roomUrl: string;
}

/**
 * Decode MessageDerivedValues strictly (deterministic CBOR, Appendix A.2 shape).
 *
 * @throws CodecError naming the path and rule.
 */
export function decodeMessageDerivedValues(bytes: Uint8Array): MessageDerivedValues {
  const r = new CborReader(bytes);
  const rule = "CONTENT-IMPLIED-01";
  const head = r.field("/");
  // [CONTENT-IMPLIED-01] draft-ietf-mimi-content-08 App. A.2: MessageDerivedValues is a 7-element array of the given types.
  if (head.type.major !== 4 || head.value !== 7)
    r.fail(`expected array(7), got ${tokenName(head)}`, "/", rule);
  const id = r.field("/messageId");
  if (id.type.major !== 2 || (id.value as Uint8Array).length !== MESSAGE_ID_LENGTH)
    r.fail("expected MessageId", "/messageId", rule);
  let ts: number | bigint | CborTag;
  if (bytes[r.pos]! >> 5 === 6) {
    const tag = readAny(r, "/hubAcceptedTimestamp", 0) as CborTag;
    if (tag.tag !== EXTENDED_TIME_TAG || !(tag.value instanceof Map)) {
      r.fail("expected uint or tag 1001 map", "/hubAcceptedTimestamp", rule);
    }
    ts = tag;
  } else {
    const t = r.field("/hubAcceptedTimestamp");
    if (t.type.major !== 0)
      r.fail(`expected uint .size 8, got ${tokenName(t)}`, "/hubAcceptedTimestamp", rule);
    ts = t.value as number | bigint;
  }
  const g = r.field("/mlsGroupId");
  if (g.type.major !== 2) r.fail("expected bstr", "/mlsGroupId", rule);
  const leaf = r.field("/senderLeafIndex");
  if (leaf.type.major !== 0 || typeof leaf.value !== "number" || leaf.value > 0xffffffff) {
    r.fail("expected uint .size 4", "/senderLeafIndex", rule);
  }
  const uri = (name: string): string => {
    const t = r.field(`/${name}`);
    if (t.type.major !== 3) r.fail(`expected tstr, got ${tokenName(t)}`, `/${name}`, rule);
    return t.value as string;
  };
  const senderClientUrl = uri("senderClientUrl");
  const senderUserUrl = uri("senderUserUrl");
  const roomUrl = uri("roomUrl");
  r.end();
  return {
    messageId: id.value as Uint8Array,
    hubAcceptedTimestamp: ts,
    mlsGroupId: g.value as Uint8Array,
    senderLeafIndex: leaf.value as number,
    senderClientUrl,
    senderUserUrl,
    roomUrl,
  };
}

/**
 * Encode MessageDerivedValues with deterministic CBOR.
 *
 * @throws ValidationError when a field breaks Appendix A.2.
 */
export function encodeMessageDerivedValues(v: MessageDerivedValues): Uint8Array {
  const bad = (what: string, path: string): never => {
    throw new ValidationError(what, { path, rule: "CONTENT-IMPLIED-01" });
  };
  if (!(v.messageId instanceof Uint8Array) || v.messageId.length !== MESSAGE_ID_LENGTH)
    bad("expected MessageId", "/messageId");
  const ts = v.hubAcceptedTimestamp;
  if (typeof ts === "object") {
    if (ts.tag !== EXTENDED_TIME_TAG || !(ts.value instanceof Map))
      bad("expected tag 1001 map", "/hubAcceptedTimestamp");
    validateAny(ts, "/hubAcceptedTimestamp", 0);
  } else if (typeof ts === "number" ? !Number.isSafeInteger(ts) || ts < 0 : ts < 0n || ts >= 2n ** 64n) {
    bad("expected uint .size 8", "/hubAcceptedTimestamp");
  }
  if (!Number.isInteger(v.senderLeafIndex) || v.senderLeafIndex < 0 || v.senderLeafIndex > 0xffffffff) {
    bad("expected uint .size 4", "/senderLeafIndex");
  }
  return encodeCbor([
    v.messageId,
    ts,
    v.mlsGroupId,
    v.senderLeafIndex,
    v.senderClientUrl,
    v.senderUserUrl,
    v.roomUrl,
  ]);
}
