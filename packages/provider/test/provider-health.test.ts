import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningProvider, startProvider } from "../src/provider/provider.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { migrations } from "../src/storage/migrations.js";
import { makePki } from "./support/pki.js";

const pki = makePki("health-ca", ["b.example"]);
let db: Database;
let provider: RunningProvider;

beforeAll(async () => {
  db = await openDatabase("memory://");
  provider = await startProvider({
    domain: "b.example",
    tls: { key: pki.providers["b.example"]!.key, cert: pki.providers["b.example"]!.cert, ca: pki.caCert },
    storage: db,
    metrics: { port: 0 },
    log: () => {},
  });
});
afterAll(async () => {
  await provider?.stop(1000);
});

const get = async (path: string) => {
  const r = await fetch(`http://127.0.0.1:${provider.metricsPort}${path}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe("health and readiness on the metrics listener", () => {
  it("/healthz answers while the process is up; /readyz only while the storage answers with every migration applied", async () => {
    const versions = migrations.map((m) => m.version).sort((x, y) => x - y);
    const latest = versions.at(-1)!;
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await get("/readyz")).toEqual({
      status: 200,
      body: { status: "ready", storage: "ok", schema: latest, expected: latest },
    });
    // a schema behind the code (e.g. rolled back by another process): not ready
    await db.query("DELETE FROM schema_migrations WHERE version = $1", [latest]);
    const behind = await get("/readyz");
    expect(behind.status).toBe(503);
    expect(behind.body).toMatchObject({ status: "not ready", schema: versions.at(-2), expected: latest });
    // the storage gone: not ready, and the process still healthy
    await db.close();
    const gone = await get("/readyz");
    expect(gone.status).toBe(503);
    expect(gone.body).toMatchObject({ status: "not ready", expected: latest });
    expect(gone.body["storage"]).not.toBe("ok");
    expect((await get("/healthz")).status).toBe(200);
  });
});
