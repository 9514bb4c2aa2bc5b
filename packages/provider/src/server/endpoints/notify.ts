/**
 * `POST /notify/{roomId}` on a follower (protocol-06 §5.5): the room's hub fans out accepted
 * messages; the follower queues them durably for its clients and answers 201.
 */
import { createHash } from "node:crypto";
import { domainOf, parseRoomUri } from "@mimi/identifiers";
import { decodeFanoutMessagesWithBytes } from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";
import { queueNotifyBody } from "../../storage/follower-inbox.js";
import type { Endpoint } from "../endpoint.js";
import { HttpRejection } from "../http-error.js";

/** The follower side of `/notify`. */
export const notifyEndpoint: Endpoint = {
  name: "notify",
  async handle(ctx) {
    const roomId = parseRoomUri(ctx.param);
    // [PROTO-NOTIFY-01] draft-ietf-mimi-protocol-06 §5.5: fanout comes from the room's hub, the
    // provider of the room ID's domain (decision 0611); anyone else is refused.
    if (domainOf(roomId) !== ctx.peerDomain)
      throw new HttpRejection(403, `${ctx.peerDomain} is not the hub of ${roomId}`, {
        path: "/path",
        rule: "PROTO-NOTIFY-01",
      });
    // Each message is stored as the bytes the hub sent (strictly decoded first; decision 0656).
    const messages = decodeFanoutMessagesWithBytes(ctx.body);
    // A timestamp is milliseconds since the UNIX epoch (a uint64 on the wire); one at or beyond
    // 2^63 ms (292 million years) is no time at all, and would not fit the inbox's column.
    for (const [i, m] of messages.entries())
      if (m.message.timestamp >= 1n << 63n)
        throw new ValidationError(`timestamp ${m.message.timestamp} is not a time (2^63 ms or later)`, {
          path: `/${i}/timestamp`,
        });
    const hash = createHash("sha256").update(ctx.body).digest();
    // [PROTO-NOTIFY-02] draft-ietf-mimi-protocol-06 §5.5: a byte-identical duplicate body from the
    // same hub MUST get 201 (and is processed only once).
    const fresh = await queueNotifyBody(
      ctx.db,
      ctx.peerDomain,
      roomId,
      new Uint8Array(hash),
      messages.map((m) => ({ timestamp: m.message.timestamp, encoded: m.encoded })),
      ctx.now,
    );
    ctx.log({
      level: "debug",
      msg: "notify",
      room: roomId,
      hub: ctx.peerDomain,
      messages: messages.length,
      duplicate: !fresh,
    });
    return { status: 201 };
  },
};
