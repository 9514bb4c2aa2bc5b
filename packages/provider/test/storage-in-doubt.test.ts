/**
 * PostgreSQL connections lost at the worst moment (decision 0678): while a transaction's COMMIT is
 * on the way, or while a read is. A loopback TCP proxy between the pool and the server loses the
 * connection once, exactly there; the provider must answer each request as if nothing happened,
 * with nothing applied twice.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, IDEMPOTENT, openDatabase } from "../src/storage/database.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

/** What the proxy does to the first client message containing `trigger`. */
type Fault =
  /** forward it, let the server answer, and cut both connections before the answer is relayed */
  | "lose-answer"
  /** cut both connections without forwarding it */
  | "lose-request";

interface FaultyLink {
  readonly port: number;
  /** Arm the fault for the next message that contains `trigger`. */
  arm(trigger: string, fault: Fault): void;
  /** Whether the armed fault has happened. */
  fired(): boolean;
  close(): Promise<void>;
}

/** A loopback proxy to `host:port` that can lose one connection at a chosen message. */
function faultyLink(host: string, port: number): Promise<FaultyLink> {
  let armed: { trigger: Buffer; fault: Fault } | undefined;
  let happened = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    let swallowAnswer = false;
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk: Buffer) => {
      if (armed !== undefined && chunk.includes(armed.trigger)) {
        const { fault } = armed;
        armed = undefined;
        happened = true;
        if (fault === "lose-request") return cut();
        swallowAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (swallowAnswer) return cut();
      client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        cut();
      });
    }
  });
  return new Promise((done) => {
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      done({
        port: typeof a === "object" && a !== null ? a.port : 0,
        arm(trigger, fault) {
          armed = { trigger: Buffer.from(trigger), fault };
          happened = false;
        },
        fired: () => happened,
        close: () =>
          new Promise<void>((closed) => {
            for (const s of sockets) s.destroy();
            server.close(() => closed());
          }),
      });
    });
  });
}

describe.skipIf(postgresUrl === undefined)("a PostgreSQL connection lost in flight", () => {
  let link: FaultyLink;
  let db: Database;
  let direct: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshPostgresDatabase();
    drop = fresh.drop;
    const url = new URL(fresh.url);
    link = await faultyLink(url.hostname, Number(url.port));
    const proxied = new URL(fresh.url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(link.port);
    db = await openDatabase(proxied.toString(), { poolSize: 2 });
    direct = await openDatabase(fresh.url, { poolSize: 1 });
    await direct.query("CREATE TABLE in_doubt (id serial PRIMARY KEY, label text NOT NULL)");
  });

  afterAll(async () => {
    await db?.close();
    await direct?.close();
    await link?.close();
    await drop?.();
  });

  const count = async (label: string): Promise<number> =>
    Number(
      (await direct.query<{ n: unknown }>("SELECT count(*) AS n FROM in_doubt WHERE label = $1", [label]))[0]
        ?.n,
    );

  it("a transaction whose COMMIT was applied but never answered is found committed: its result, applied once", async () => {
    link.arm("COMMIT\0", "lose-answer");
    const id = await db.transaction(async (tx) => {
      const rows = await tx.query<{ id: unknown }>("INSERT INTO in_doubt (label) VALUES ($1) RETURNING id", [
        "answer-lost",
      ]);
      return Number(rows[0]?.id);
    });
    expect(link.fired()).toBe(true);
    expect(Number.isInteger(id)).toBe(true);
    expect(await count("answer-lost")).toBe(1);
  });

  it("a transaction whose COMMIT never reached the server is found aborted and runs again, applied once", async () => {
    link.arm("COMMIT\0", "lose-request");
    let runs = 0;
    await db.transaction(async (tx) => {
      runs++;
      await tx.query("INSERT INTO in_doubt (label) VALUES ($1)", ["request-lost"]);
    });
    expect(link.fired()).toBe(true);
    expect(runs).toBe(2);
    expect(await count("request-lost")).toBe(1);
  });

  it("a read lost in flight is sent again", async () => {
    link.arm("SELECT 'probe'", "lose-answer");
    const rows = await db.query<{ probe: unknown }>("SELECT 'probe' AS probe, $1::int AS n", [7]);
    expect(link.fired()).toBe(true);
    expect(rows).toEqual([{ probe: "probe", n: 7 }]);
  });

  it("an IDEMPOTENT write lost in flight is sent again, with the effect of once", async () => {
    await direct.query("CREATE TABLE IF NOT EXISTS in_doubt_keys (k text PRIMARY KEY, v int NOT NULL)");
    link.arm("INSERT INTO in_doubt_keys", "lose-answer");
    await db.query(
      `${IDEMPOTENT} INSERT INTO in_doubt_keys (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING`,
      ["once", 1],
    );
    expect(link.fired()).toBe(true);
    expect(await direct.query("SELECT k, v FROM in_doubt_keys")).toEqual([{ k: "once", v: 1 }]);
  });

  it("a write lost in flight outside a transaction stays the caller's failure (it may have been applied)", async () => {
    link.arm("INSERT INTO in_doubt", "lose-answer");
    await expect(db.query("INSERT INTO in_doubt (label) VALUES ($1)", ["bare-write"])).rejects.toThrow();
    expect(link.fired()).toBe(true);
    expect(await count("bare-write")).toBe(1);
  });
});
