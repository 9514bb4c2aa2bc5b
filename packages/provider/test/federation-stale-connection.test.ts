import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFederationClient } from "../src/federation/client.js";
import { makePki } from "./support/pki.js";

const pki = makePki("mimi-stale-ca", ["a.example", "h.example"]);

// A peer closes a kept-alive connection that has been idle for its keep-alive timeout; a request
// written on it before our side saw the close fails unanswered (ECONNRESET on a reused socket).
// The peer here plays that race deterministically: it drops a connection when a second request
// arrives on it, without answering (decision 0684: a busy provider met it at 5,000 members).
describe("the federation client and stale kept-alive connections", () => {
  const seen: string[] = [];
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer(
      { ...pki.providers["h.example"]!, ca: pki.caCert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const socket = req.socket as unknown as { served?: number };
        socket.served = (socket.served ?? 0) + 1;
        seen.push(`${req.method} ${req.url} #${socket.served}`);
        if (socket.served > 1) {
          req.socket.destroy();
          return;
        }
        req.resume();
        req.on("end", () => res.end(`answer to ${req.url}`));
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );

  it("sends a request again on a new connection when the kept-alive one was closed unanswered", async () => {
    const client = createFederationClient({
      domain: "a.example",
      ...pki.providers["a.example"]!,
      ca: pki.caCert,
      peers: { "h.example": `127.0.0.1:${port}` },
    });
    try {
      const post = (path: string) =>
        client.request("h.example", { method: "POST", path, body: new Uint8Array([1]) });
      expect(new TextDecoder().decode((await post("/one")).body)).toBe("answer to /one");
      const second = await post("/two");
      expect(new TextDecoder().decode(second.body)).toBe("answer to /two");
      // /two was dropped on the reused connection, then answered as a new connection's first
      expect(seen).toEqual(["POST /one #1", "POST /two #2", "POST /two #1"]);
    } finally {
      client.close();
    }
  });
});
