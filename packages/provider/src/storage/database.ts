/**
 * One SQL interface over two engines: embedded PGlite (zero setup; `memory://` or a data
 * directory) and a PostgreSQL server (node `pg`, by connection string). The schema and every
 * statement are the same on both (decision 0609).
 *
 * PGlite on a data directory survives a crash of the process but not of the machine: it runs with
 * `fsync=off` and its file system layer never syncs. Use PostgreSQL where durability matters.
 */
import { InternalError, ValidationError } from "@mimi/wire";
import { backoffDelayMs } from "../server/backoff.js";

/** Something that runs parameterized SQL (`$1`, `$2`, …). */
export interface SqlExecutor {
  /**
   * Run one statement and return its rows.
   *
   * @throws the engine's error for bad SQL or a violated constraint.
   */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A database handle. */
export interface Database extends SqlExecutor {
  /** Which engine runs it. */
  readonly engine: "pglite" | "postgres";
  /** Run `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Close the handle (and the pool or the embedded engine). */
  close(): Promise<void>;
  /** The connection pool's state (PostgreSQL; an embedded engine has no pool). */
  poolStats?(): { readonly total: number; readonly idle: number; readonly waiting: number };
}

/**
 * Open a database by URL:
 * - `memory://`: PGlite in memory (lost on exit);
 * - `pglite:PATH` (or `pglite://PATH`): PGlite with its data directory at PATH;
 * - `postgres://…` / `postgresql://…`: a PostgreSQL server through a `pg` pool.
 *
 * @throws ValidationError for an unknown URL scheme.
 */
export async function openDatabase(
  url: string,
  options: {
    readonly poolSize?: number;
    /** Told of an error on an idle PostgreSQL connection (e.g. the server went away). */
    readonly onError?: (e: Error) => void;
  } = {},
): Promise<Database> {
  if (url === "memory://" || url.startsWith("pglite:")) {
    const dir = url === "memory://" ? undefined : url.replace(/^pglite:(\/\/)?/, "");
    const pglite = await importDriver("pglite", url, () => import("@electric-sql/pglite"));
    return openPglite(pglite, dir);
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const pg = (await importDriver("postgres", url, () => import("pg"))).default;
    return openPostgres(pg, url, options.poolSize ?? 10, options.onError);
  }
  throw new ValidationError(`unknown storage URL scheme in ${JSON.stringify(storageForDisplay(url))}`, {
    path: "/storage",
  });
}

/** The database drivers, optional peer dependencies of the package (decision 0006). */
const DRIVERS = {
  pglite: { module: "@electric-sql/pglite", range: "^0.5.16" },
  postgres: { module: "pg", range: "^8.23.1" },
} as const;

/**
 * Import a database driver, or fail naming the package to install: the drivers are optional peer
 * dependencies, so a provider that only uses PostgreSQL does not carry PGlite's tens of
 * megabytes, and one that uses PGlite does not carry `pg`.
 *
 * @param load - the import (by default the driver's own; the tests pass one that fails)
 * @throws ValidationError naming the missing package and the storage URL that needs it.
 */
export async function importDriver<M>(
  engine: keyof typeof DRIVERS,
  url: string,
  load: () => Promise<M>,
): Promise<M> {
  try {
    return await load();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw e;
    const { module, range } = DRIVERS[engine];
    throw new ValidationError(
      `storage ${JSON.stringify(storageForDisplay(url))} needs the database driver ${module}, which is ` +
        `not installed (an optional peer dependency of @mimi/provider): npm install ${module}@${range}`,
      { path: "/storage", cause: e },
    );
  }
}

/**
 * The data directory of a new, empty PGlite database (an uncompressed tarball), made once per
 * process: running initdb takes seconds, loading its result a fraction of that, so every
 * `memory://` database after the first starts from this copy.
 */
let emptyDataDir: Promise<Uint8Array> | undefined;

/**
 * A Blob over bytes already in memory: PGlite reads a data directory with `arrayBuffer()`, which
 * for an ordinary Blob of tens of megabytes streams and concatenates chunks (a sixth of a start's
 * time); this one copies the bytes once.
 */
class BytesBlob extends Blob {
  readonly #content: Uint8Array;
  constructor(content: Uint8Array) {
    super([]);
    this.#content = content;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#content.slice().buffer);
  }
}

/**
 * PostgreSQL settings of `memory://` databases: 16 MB of shared buffers instead of 128 MB (the
 * server clears them at every start, which took most of a start's time; a database that lives as
 * long as one process holds little).
 */
const MEMORY_SETTINGS = ["shared_buffers=16MB"];

/** A storage URL as it may be logged: a PostgreSQL URL's credentials replaced by `…`. */
export function storageForDisplay(url: string): string {
  return url.replace(/\/\/[^/]*@/, "//…@");
}

/** PostgreSQL's type OIDs of `bytea` and `bytea[]`. */
const BYTEA_OID = 17;
const BYTEA_ARRAY_OID = 1001;

/**
 * A `bytea` parameter as PGlite sends it: the bytes themselves, in the binary format (PGlite sends
 * a parameter its serializer answers with bytes in binary). PGlite's own serializer builds the hex
 * text with an array of every byte and a string per byte: 1.25 s for the 3 MB Welcome of a commit
 * of 1,000 Adds, most of the hub's answer to such a commit (docs/big-rooms.md); hex text made by
 * Node still cost 0.7 s for 7.5 MB (PGlite measures and copies the text, the engine decodes it),
 * the bytes 40 ms.
 *
 * @throws TypeError for anything but a Uint8Array, as PGlite's does.
 */
function pgliteByteaBinary(v: unknown): string {
  if (!(v instanceof Uint8Array)) throw new TypeError("Invalid input for bytea type");
  // PGlite's serializer type says string, but it sends a byte view as a binary parameter
  return v as unknown as string;
}

/**
 * A `bytea` element of a `bytea[]` parameter (an array literal is text), in PostgreSQL's hex
 * format (`\\x…`), made by Node rather than byte by byte.
 *
 * @throws TypeError for anything but a Uint8Array, as PGlite's does.
 */
function pgliteByteaParam(v: unknown): string {
  if (!(v instanceof Uint8Array)) throw new TypeError("Invalid input for bytea type");
  return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}`;
}

/**
 * A `bytea` column value from PGlite's text (PostgreSQL's hex output format, `\\x…`). PGlite's own
 * parser calls `parseInt` on a substring per byte (about five times slower).
 *
 * @throws InternalError when the text is not the hex format.
 */
function pgliteByteaColumn(text: string): Uint8Array {
  const digits = text.length - 2;
  if (!text.startsWith("\\x") || digits % 2 !== 0)
    throw new InternalError("a bytea column not in PostgreSQL's hex format");
  const out = new Uint8Array(digits / 2);
  // Buffer#write stops at the first character that is not a hex digit
  if (Buffer.from(out.buffer).write(text.slice(2), "hex") !== out.length)
    throw new InternalError("a bytea column not in PostgreSQL's hex format");
  return out;
}

/** PGlite's options for `bytea` columns (and `bytea[]`, whose elements PGlite parses with the same). */
const PGLITE_BYTEA = { parsers: { [BYTEA_OID]: pgliteByteaColumn } };

async function openPglite(
  { PGlite, types }: typeof import("@electric-sql/pglite"),
  dir: string | undefined,
): Promise<Database> {
  let db: InstanceType<typeof PGlite>;
  if (dir === undefined) {
    emptyDataDir ??= (async () => {
      const first = new PGlite({ postgresqlconf: MEMORY_SETTINGS });
      try {
        await first.waitReady;
        return new Uint8Array(await (await first.dumpDataDir("none")).arrayBuffer());
      } finally {
        await first.close();
      }
    })();
    // A failed initdb is not cached: the next open tries again.
    const template = await emptyDataDir.catch((e: unknown) => {
      emptyDataDir = undefined;
      throw e;
    });
    db = new PGlite({
      loadDataDir: new BytesBlob(template),
      postgresqlconf: MEMORY_SETTINGS,
      ...PGLITE_BYTEA,
    });
  } else db = new PGlite(dir, PGLITE_BYTEA);
  await db.waitReady;
  // Set once ready: PGlite's start makes a serializer for every array type from its element's,
  // `bytea[]`'s included, which must stay text (hex elements).
  db.serializers[BYTEA_OID] = pgliteByteaBinary;
  db.serializers[BYTEA_ARRAY_OID] = (v: unknown) =>
    types.arraySerializer(v, pgliteByteaParam, BYTEA_ARRAY_OID);
  const run = async <R>(
    ex: { query: (t: string, p?: unknown[]) => Promise<{ rows: unknown[] }> },
    text: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> => (await ex.query(text, [...params])).rows as R[];
  return {
    engine: "pglite",
    query: (text, params) => run(db, text, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => run(tx, text, params) })),
    close: () => db.close(),
  };
}

function toPgParam(v: unknown): unknown {
  if (v instanceof Uint8Array && !Buffer.isBuffer(v))
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(toPgParam);
  return v;
}

/** Most statement texts prepared by name on each PostgreSQL connection (decision 0659). */
const MAX_PREPARED = 200;

async function openPostgres(
  pg: typeof import("pg").default,
  url: string,
  max: number,
  onError?: (e: Error) => void,
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client's error (e.g. the server went away) must not crash the process: it is handed
  // to `onError` (the provider logs it), and the next query reports it to its caller too.
  pool.on("error", (e) => onError?.(e));
  // Parameterized statements are prepared once per connection under a name and then only bound
  // and executed (decision 0659): parsing and planning them took about two thirds of the server's
  // time per statement. Statement texts are constants of this code base, so the names are few;
  // past MAX_PREPARED (a caller building texts at run time) statements go unnamed.
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let n = names.get(text);
    if (n === undefined && names.size < MAX_PREPARED) {
      n = `mimi_${names.size}`;
      names.set(text, n);
    }
    return n;
  };
  const run = async <R>(
    ex: {
      query: (q: { text: string; values: unknown[]; name?: string }) => Promise<{ rows: unknown[] }>;
    },
    text: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> => {
    const name = params.length === 0 ? undefined : nameOf(text);
    const values = params.map(toPgParam);
    return (await ex.query(name === undefined ? { text, values } : { name, text, values })).rows as R[];
  };
  return {
    engine: "postgres",
    // A statement is sent again when it never left (the pool could not connect, or handed out a
    // client already known to be broken), and a read or an IDEMPOTENT one also when it was lost
    // in flight. A write lost
    // in flight may have been applied, so its failure is the caller's (decision 0678); the
    // non-idempotent writes run as transactions, whose outcome is resolved (below).
    query: <R>(text: string, params?: readonly unknown[]): Promise<R[]> =>
      withClient(pool, async (client) => {
        try {
          return await run<R>(client, text, params);
        } catch (e) {
          throw /not queryable/.test((e as Error).message ?? "") || safeToResend(text) ? new NotSent(e) : e;
        }
      }),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    // A transaction whose connection failed before its COMMIT was sent has applied nothing, so it
    // runs again (its body touches only the database). One whose connection failed during COMMIT
    // is in doubt: its transaction ID, taken with BEGIN in the same round trip, is looked up once
    // the database answers again (`pg_xact_status`): committed, its result is the caller's;
    // aborted, it runs again; anything else is the caller's failure (decision 0678).
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
      resolvingInDoubt(pool, () =>
        withClient(pool, async (client) => {
          let xid: string | undefined;
          let committing = false;
          let out: T | undefined;
          try {
            xid = xidOf(await client.query("BEGIN; SELECT pg_current_xact_id()::text AS xid"));
            out = await fn({ query: (text, params) => run(client, text, params) });
            committing = true;
            await client.query("COMMIT");
            return out;
          } catch (e) {
            if (!isStorageUnavailable(e)) await client.query("ROLLBACK").catch(() => {});
            if (!committing) throw new NotSent(e);
            throw isStorageUnavailable(e) && xid !== undefined ? new CommitInDoubt(e, xid, out) : e;
          }
        }),
      ),
    close: () => pool.end(),
  };
}

/**
 * Run `use` on a client of `pool`, again while it fails with a {@link NotSent} storage outage
 * ({@link retryWhileUnavailable}). A failure to connect is NotSent; a checked-out client's
 * connection error (emitted on the client: an unhandled 'error' event would end the process) is
 * kept, and a broken client is closed, not handed out again.
 */
function withClient<T>(
  pool: import("pg").Pool,
  use: (client: import("pg").PoolClient) => Promise<T>,
): Promise<T> {
  return retryWhileUnavailable(
    async () => {
      const client = await pool.connect().catch((e: unknown) => {
        throw new NotSent(e);
      });
      let broken: Error | undefined;
      const onError = (e: Error): void => {
        broken = e;
      };
      client.on("error", onError);
      try {
        return await use(client);
      } catch (e) {
        if (isStorageUnavailable(e)) broken = (e instanceof NotSent ? e.inner : e) as Error;
        throw e;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
    },
    (e) => e instanceof NotSent,
  ).catch(unwrapNotSent);
}

/**
 * How long a statement or transaction waits, retrying, for a database that went away (ms): long
 * enough for a restart with crash recovery (2–4 s on the two-core development machine, more under
 * load: 5 s let requests through as 503s there), and inside the 10 s a peer waits for an answer, so
 * the peer gets one (the result, or a 503).
 */
const RECONNECT_WINDOW_MS = 8_000;

/** Its back-off between attempts: full jitter, 50 ms doubling to 1 s. */
const RECONNECT_BACKOFF = { baseMs: 50, capMs: 1_000 } as const;

/**
 * Run `attempt` again while it fails with the storage unavailable and `safe(e)` says nothing of it
 * can have been applied, with full-jitter back-off (50 ms doubling to 1 s) for at most
 * `windowMs`: a restart of the database (seconds) then costs the caller latency, not an error.
 * Anything else, or a failure past the window, is thrown as it is.
 *
 * @param sleep - waits (the tests pass their own)
 */
export async function retryWhileUnavailable<T>(
  attempt: () => Promise<T>,
  safe: (e: unknown) => boolean,
  options: {
    readonly windowMs?: number;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
  } = {},
): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.windowMs ?? RECONNECT_WINDOW_MS);
  for (let failures = 1; ; failures++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isStorageUnavailable(e) || !safe(e) || now() >= deadline) throw e;
      await sleep(Math.min(backoffDelayMs(failures, RECONNECT_BACKOFF), Math.max(0, deadline - now())));
    }
  }
}

/**
 * The comment that starts a statement which may be sent twice with the effect of once (an upsert
 * that writes the same row, an insert that recognises what it already wrote): the engine sends
 * it again when its connection is lost in flight, as it does a read (decision 0678).
 */
export const IDEMPOTENT = "/* idempotent */";

/** Whether a statement may be sent again after it was lost in flight: a read, or {@link IDEMPOTENT}. */
function safeToResend(text: string): boolean {
  return /^\s*SELECT\b/i.test(text) || text.startsWith(IDEMPOTENT);
}

/** The transaction ID answered by `BEGIN; SELECT pg_current_xact_id()::text AS xid`. */
function xidOf(results: unknown): string {
  const rows = Array.isArray(results)
    ? (results[1] as { rows?: { xid?: unknown }[] } | undefined)?.rows
    : undefined;
  const xid = rows?.[0]?.xid;
  if (typeof xid !== "string" || !/^[0-9]+$/.test(xid))
    throw new InternalError("BEGIN did not answer a transaction ID", { path: "/transaction/xid" });
  return xid;
}

/** A transaction whose connection failed while its COMMIT was on the way: applied or not, unknown. */
class CommitInDoubt extends Error {
  constructor(
    readonly inner: unknown,
    readonly xid: string,
    readonly out: unknown,
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

/**
 * Run `attempt` (a transaction); when its COMMIT is in doubt, ask the database, once it answers
 * again, what became of the transaction: committed, the result stands; aborted (nothing of it was
 * applied), it runs again; still unknown when the window ends, the original failure is thrown.
 */
async function resolvingInDoubt<T>(pool: import("pg").Pool, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RECONNECT_WINDOW_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof CommitInDoubt)) throw e;
      const status = await transactionStatus(pool, e.xid, deadline).catch(() => undefined);
      if (status === "committed") return e.out as T;
      if (status !== "aborted" || Date.now() >= deadline) throw e.inner;
    }
  }
}

/**
 * `pg_xact_status` of `xid` ("committed", "aborted"), asked again while the database is away or
 * the transaction is still in progress, until `deadline`; undefined when the server no longer
 * knows it or the window ends.
 */
async function transactionStatus(
  pool: import("pg").Pool,
  xid: string,
  deadline: number,
): Promise<string | undefined> {
  for (let polls = 1; ; polls++) {
    const status = await retryWhileUnavailable(
      () =>
        withClient(pool, async (client) => {
          const r = await client.query<{ status: string | null }>(
            "SELECT pg_xact_status($1::xid8) AS status",
            [xid],
          );
          return r.rows[0]?.status ?? undefined;
        }),
      () => true,
      { windowMs: Math.max(0, deadline - Date.now()) },
    );
    if (status !== "in progress" || Date.now() >= deadline)
      return status === "in progress" ? undefined : status;
    await new Promise((r) => setTimeout(r, Math.min(backoffDelayMs(polls, RECONNECT_BACKOFF), 200)));
  }
}

/** A failure marked as raised before anything was applied by the server (see `openPostgres`). */
class NotSent extends Error {
  constructor(readonly inner: unknown) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

/**
 * SQLSTATE classes and socket errors that mean the database went away (a restart, a crash, a
 * broken connection), not that the request was wrong: 57P01–57P03 (operator intervention), 08xxx
 * (connection exception), and the driver's own errors for a lost or refused connection.
 */
const STORAGE_DOWN_CODES = new Set([
  "57P01",
  "57P02",
  "57P03",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
]);

/** Whether `e` says the storage is unreachable for now (see {@link STORAGE_DOWN_CODES}). */
export function isStorageUnavailable(e: unknown): boolean {
  if (e instanceof NotSent || e instanceof CommitInDoubt) return isStorageUnavailable(e.inner);
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (STORAGE_DOWN_CODES.has(code) || /^08\d{3}$/.test(code))) return true;
  return /Connection terminated|terminating connection|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/.test(
    e.message,
  );
}

/** The error inside a {@link NotSent}, for the caller. */
function unwrapNotSent(e: unknown): never {
  throw e instanceof NotSent ? e.inner : e;
}

/** Byte strings packed into one `bytea` parameter, with each one's 1-based offset and length. */
export interface PackedBytes {
  readonly bytes: Uint8Array;
  readonly offsets: readonly number[];
  readonly lengths: readonly number[];
}

/**
 * Pack byte strings into one `bytea` parameter (decision 0659): a `bytea[]` parameter travels as a
 * text array literal, each element hex-encoded by the client and parsed back by the server, while
 * one `bytea` travels as raw bytes. A statement takes the parts back with
 * `substring($n::bytea FROM offset FOR length)` over `unnest(offsets, lengths)`.
 */
export function packBytes(list: readonly Uint8Array[]): PackedBytes {
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1;
  for (const b of list) {
    offsets.push(at);
    lengths.push(b.length);
    at += b.length;
  }
  const bytes = new Uint8Array(at - 1);
  let i = 0;
  for (const b of list) {
    bytes.set(b, i);
    i += b.length;
  }
  return { bytes, offsets, lengths };
}

/**
 * A `bigint` column value (PGlite gives bigint or number, `pg` gives a string).
 *
 * @throws InternalError for anything else.
 */
export function toBigInt(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?[0-9]+$/.test(v)) return BigInt(v);
  throw new InternalError(`expected an integer column, got ${typeof v}`);
}

/**
 * A `bytea` column value as a plain Uint8Array.
 *
 * @throws InternalError for anything else.
 */
export function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array)
    return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  throw new InternalError(`expected a bytea column, got ${typeof v}`);
}
