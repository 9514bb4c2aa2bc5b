import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient } from "../src/http.node.js";

// A server closes a kept-alive connection when it has been idle for its keep-alive timeout; a
// request written on it before the client saw the close fails unanswered (ECONNRESET on a
// reused socket). The server here plays the race deterministically: it drops the connection
// when a second request arrives on it, without answering.
describe("the Node HTTP client and stale kept-alive connections", () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const n = ((req.socket as unknown as { served?: number }).served ?? 0) + 1;
    (req.socket as unknown as { served?: number }).served = n;
    seen.push(`${req.method} ${req.url} #${n}`);
    if (n > 1) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on("end", () => res.end(`answer to ${req.url}`));
  });
  let base: URL;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("sends a request again on a new connection when the kept-alive one was closed unanswered", async () => {
    const http = createHttpClient({});
    try {
      const first = await http.request("POST", new URL("/one", base), new Uint8Array([1]));
      expect(new TextDecoder().decode(first.body)).toBe("answer to /one");
      const second = await http.request("POST", new URL("/two", base), new Uint8Array([2]));
      expect(second.status).toBe(200);
      expect(new TextDecoder().decode(second.body)).toBe("answer to /two");
      // /two was dropped on the reused connection, then answered as a new connection's first
      expect(seen).toEqual(["POST /one #1", "POST /two #2", "POST /two #1"]);
    } finally {
      http.destroy();
    }
  });

  it("sends it again also when the close meets the client still writing a large body (EPIPE)", async () => {
    const http = createHttpClient({});
    seen.length = 0;
    try {
      await http.request("POST", new URL("/small", base), new Uint8Array([1]));
      const big = new Uint8Array(16 << 20).fill(7);
      const answer = await http.request("POST", new URL("/big", base), big);
      expect(answer.status).toBe(200);
      expect(new TextDecoder().decode(answer.body)).toBe("answer to /big");
      expect(seen).toEqual(["POST /small #1", "POST /big #2", "POST /big #1"]);
    } finally {
      http.destroy();
    }
  }, 60_000);
});
