/**
 * `GET /client/v1/inbox[?after=n]`: the client's inbox as a kept-open ndjson stream (decision
 * 0642), served by the process's one reader of the queue (decision 0683).
 */
import { HttpRejection } from "../../server/http-error.js";
import type { ClientRouteHandler } from "../route.js";

export const inbox: ClientRouteHandler = async ({ client, query, req, res, ctx }) => {
  const afterRaw = query.get("after");
  if (afterRaw !== null && !/^[0-9]{1,19}$/.test(afterRaw))
    throw new HttpRejection(400, "after must be a queue position (a decimal integer)", {
      path: "/query/after",
    });
  const after = afterRaw === null ? 0n : BigInt(afterRaw);
  // [PROTO-CAPI-07] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0642): the inbox is a kept-open ndjson stream, one line
  // per item in queue order, resumable with the last `n` seen.
  res.statusCode = 200;
  res.setHeader("Content-Type", "application/x-ndjson");
  res.setHeader("Cache-Control", "no-store");
  res.flushHeaders();
  ctx.streams.add(res);
  const stream = ctx.inbox.open(client, after);
  const stop = () => stream.close();
  req.on("close", stop);
  res.on("close", stop);
  try {
    while (!ctx.closing()) {
      const text = await stream.next();
      if (text === undefined) break;
      if (!res.write(text))
        await new Promise<void>((r) => res.once("drain", () => r()).once("close", () => r()));
    }
  } finally {
    stream.close();
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  }
  return "streamed";
};
