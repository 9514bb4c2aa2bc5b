/**
 * One provider of the submit benchmark in its own process (forked by `bench/submit.ts` with an IPC
 * channel, advanced serialization): it runs `startProvider` and answers the bench's requests.
 *
 * Requests (`{ id, op, … }`, answered `{ id, ok, value | error }`):
 * - `start`: domain, TLS PEMs, storage URL and peers; answers the federation port;
 * - `externalSender`: the hub's ExternalSender (for the members' client profile);
 * - `createRoom`: host a room (the hub), as the client API's room creation does;
 * - `queued`: how many messages of a room the follower inbox holds;
 * - `cpu`: this process's CPU time so far, in µs;
 * - `stop`: stop the provider and exit.
 */
import { type RunningProvider, startProvider } from "../src/provider/provider.js";

interface Request {
  readonly id: number;
  readonly op: "start" | "externalSender" | "createRoom" | "queued" | "cpu" | "stop";
  readonly [k: string]: unknown;
}

let provider: RunningProvider | undefined;

const running = (): RunningProvider => {
  if (provider === undefined) throw new Error("not started");
  return provider;
};

async function serve(req: Request): Promise<unknown> {
  switch (req.op) {
    case "start": {
      provider = await startProvider({
        domain: req["domain"] as string,
        tls: {
          key: req["key"] as string,
          cert: req["cert"] as string,
          ca: req["ca"] as string,
        },
        storage: req["storage"] as string,
        peers: req["peers"] as Record<string, string>,
        log: () => {},
      });
      return provider.port;
    }
    case "externalSender": {
      const hub = running().hub;
      if (hub === undefined) throw new Error("no hub");
      return hub.externalSender();
    }
    case "createRoom": {
      const hub = running().hub;
      if (hub === undefined) throw new Error("no hub");
      await hub.createRoom(
        req["room"] as string,
        req["groupInfo"] as Uint8Array,
        req["ratchetTree"] as Uint8Array,
        req["creator"] as string,
      );
      return true;
    }
    case "queued": {
      const rows = await running().db.query<{ n: unknown }>(
        "SELECT count(*) AS n FROM follower_inbox WHERE room_id = $1",
        [req["room"] as string],
      );
      return Number(rows[0]?.n ?? 0);
    }
    case "cpu": {
      const u = process.cpuUsage();
      return u.user + u.system;
    }
    case "stop": {
      await provider?.stop(1000);
      provider = undefined;
      setImmediate(() => process.exit(0));
      return true;
    }
  }
}

process.on("message", (req: Request) => {
  serve(req).then(
    (value) => process.send?.({ id: req.id, ok: true, value }),
    (e: unknown) => process.send?.({ id: req.id, ok: false, error: String(e) }),
  );
});
process.on("disconnect", () => process.exit(0));
