/**
 * `application/mimi-message-status`, draft-mahy-mimi-message-status-01 §4.
 *
 * Exported as `@mimi/content/message-status`.
 */
import { ValidationError } from "@mimi/wire";
import { CborReader, encodeCbor, tokenName } from "./codec/cbor.js";
import { MESSAGE_ID_LENGTH } from "./mimi-content.js";

/**
 * Status values (draft-mahy-mimi-message-status-01 §4):
 *
 * ```cddl
 * baseStatus = &( unread: 0, delivered: 1, read: 2, expired: 3, deleted: 4, hidden: 5, error: 6 )
 * unknownStatus = &( unknown: 7..255 )
 * ```
 */
export const messageStatuses = {
  unread: 0,
  delivered: 1,
  read: 2,
  expired: 3,
  deleted: 4,
  hidden: 5,
  error: 6,
} as const;

/** A registered status name. */
export type MessageStatusName = keyof typeof messageStatuses;

/**
 * ```cddl
 * PerMessageStatus = [
 *     messageId: MessageId,
 *     status: baseStatus / $extStatus / unknownStatus
 * ]
 * ```
 * `status` is 0..255; unknown values are kept.
 */
export interface PerMessageStatus {
  readonly messageId: Uint8Array;
  readonly status: number;
}

/** `MessageStatusReport = [ * PerMessageStatus ]` */
export type MessageStatusReport = readonly PerMessageStatus[];

/**
 * Decode a message status report strictly (deterministic CBOR, the §4 shape).
 *
 * @throws CodecError naming the path and rule.
 */
export function decodeMessageStatusReport(bytes: Uint8Array): MessageStatusReport {
  const r = new CborReader(bytes);
  const head = r.field("/");
  // [CONTENT-STATUS-01] draft-mahy-mimi-message-status-01 §4: a MessageStatusReport is an array of [MessageId, status 0..255] pairs.
  if (head.type.major !== 4) r.fail(`expected array, got ${tokenName(head)}`, "/", "CONTENT-STATUS-01");
  const n = head.value as number;
  const out: PerMessageStatus[] = [];
  for (let i = 0; i < n; i++) {
    const p = `/${i}`;
    const pair = r.field(p);
    if (pair.type.major !== 4 || pair.value !== 2)
      r.fail("expected PerMessageStatus array(2)", p, "CONTENT-STATUS-01");
    const id = r.field(`${p}/messageId`);
    if (id.type.major !== 2 || (id.value as Uint8Array).length !== MESSAGE_ID_LENGTH) {
      r.fail("expected MessageId (bstr .size 32)", `${p}/messageId`, "CONTENT-STATUS-01");
    }
    const st = r.field(`${p}/status`);
    if (st.type.major !== 0 || (st.value as number) > 255)
      r.fail("status is not 0..255", `${p}/status`, "CONTENT-STATUS-01");
    out.push({ messageId: id.value as Uint8Array, status: st.value as number });
  }
  r.end();
  return out;
}

/**
 * Encode a message status report with deterministic CBOR.
 *
 * @throws ValidationError when an entry breaks §4.
 */
export function encodeMessageStatusReport(report: MessageStatusReport): Uint8Array {
  return encodeCbor(
    report.map((e, i) => {
      if (!(e.messageId instanceof Uint8Array) || e.messageId.length !== MESSAGE_ID_LENGTH) {
        throw new ValidationError("expected MessageId (bstr .size 32)", {
          path: `/${i}/messageId`,
          rule: "CONTENT-STATUS-01",
        });
      }
      if (!Number.isInteger(e.status) || e.status < 0 || e.status > 255) {
        throw new ValidationError("status is not 0..255", {
          path: `/${i}/status`,
          rule: "CONTENT-STATUS-01",
        });
      }
      return [e.messageId, e.status];
    }),
  );
}

/**
 * Build a report from (message ID, status name or value) pairs.
 *
 * @throws ValidationError as {@link encodeMessageStatusReport} when encoded.
 */
export function buildMessageStatusReport(
  entries: readonly (readonly [Uint8Array, MessageStatusName | number])[],
): MessageStatusReport {
  return entries.map(([messageId, s]) => ({
    messageId,
    status: typeof s === "number" ? s : messageStatuses[s],
  }));
}
