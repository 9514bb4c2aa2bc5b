/**
 * Where an app keeps its client's snapshot between runs (decision 0812): one record, replaced as a
 * whole. {@link openIndexedDbStore} keeps it in the browser's IndexedDB, written in one
 * transaction so that a crash leaves either the old or the new snapshot, never a mix;
 * {@link memoryStateStore} keeps it in memory (tests, and runtimes without IndexedDB).
 */
import { CodecError, ProtocolError } from "@mimi/wire";

/** A place for one client's snapshot (`ClientCore.snapshot`, which includes the inbox position). */
export interface ClientStateStore {
  /** The snapshot saved last, or undefined when none was. */
  load(): Promise<Uint8Array | undefined>;
  /** Replace the saved snapshot, atomically: resolves once it is durably written. */
  save(snapshot: Uint8Array): Promise<void>;
  /** Forget the snapshot (e.g. when the user signs out). */
  clear(): Promise<void>;
  /** Release the store (an IndexedDB connection); later calls fail. */
  close(): void;
}

/** A store in memory: what a runtime without IndexedDB, or a test, uses. */
export function memoryStateStore(): ClientStateStore {
  let saved: Uint8Array | undefined;
  let closed = false;
  const open = (): void => {
    if (closed) throw new ProtocolError("the state store is closed", { path: "/store" });
  };
  return {
    load: () => {
      open();
      return Promise.resolve(saved?.slice());
    },
    save: (snapshot) => {
      open();
      saved = snapshot.slice();
      return Promise.resolve();
    },
    clear: () => {
      open();
      saved = undefined;
      return Promise.resolve();
    },
    close: () => {
      closed = true;
    },
  };
}

// The few IndexedDB types used here, so that the module typechecks without the DOM library (the
// Node typecheck); in a browser they are the DOM's.
interface IdbRequest<T> {
  result: T;
  error: { readonly name: string; readonly message: string } | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface IdbObjectStore {
  get(key: string): IdbRequest<unknown>;
  put(value: unknown, key: string): IdbRequest<unknown>;
  delete(key: string): IdbRequest<unknown>;
}
interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  error: { readonly name: string; readonly message: string } | null;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface IdbDatabase {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(
    store: string,
    mode: "readonly" | "readwrite",
    options?: { readonly durability: "strict" | "relaxed" | "default" },
  ): IdbTransaction;
  close(): void;
  onversionchange: (() => void) | null;
}
interface IdbFactory {
  open(name: string, version: number): IdbOpenRequest;
}

const OBJECT_STORE = "client";
const KEY = "state";
const RECORD_VERSION = 1;

function failure(
  dbName: string,
  what: string,
  e: { readonly name: string; readonly message: string } | null,
): ProtocolError {
  return new ProtocolError(`IndexedDB ${dbName}: ${what}${e === null ? "" : ` (${e.name}: ${e.message})`}`, {
    path: "/indexedDB",
  });
}

/**
 * Open (creating it when needed) the IndexedDB database `name` as the store of one client's
 * snapshot. Every `save` replaces the one record in a single `readwrite` transaction with strict
 * durability and resolves when it completed: the previous snapshot is overwritten, never kept
 * beside the new one (decision 0812). Use one database per client, and one tab at a time.
 *
 * @throws ProtocolError when the runtime has no IndexedDB or the database cannot be opened.
 */
export function openIndexedDbStore(name: string): Promise<ClientStateStore> {
  const factory = (globalThis as { indexedDB?: IdbFactory }).indexedDB;
  if (factory === undefined)
    return Promise.reject(new ProtocolError("this runtime has no IndexedDB", { path: "/indexedDB" }));
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OBJECT_STORE)) db.createObjectStore(OBJECT_STORE);
    };
    request.onblocked = () => reject(failure(name, "opening is blocked by another connection", null));
    request.onerror = () => reject(failure(name, "cannot be opened", request.error));
    request.onsuccess = () => {
      const db = request.result;
      // another tab upgrading the database: let it, this connection is done
      db.onversionchange = () => db.close();
      resolve(indexedDbStore(name, db));
    };
  });
}

function indexedDbStore(name: string, db: IdbDatabase): ClientStateStore {
  /** Run one transaction; resolves with `result()` when it completed, rejects when it failed. */
  const run = <T>(
    mode: "readonly" | "readwrite",
    act: (store: IdbObjectStore) => () => T,
    what: string,
  ): Promise<T> =>
    new Promise((resolve, reject) => {
      let tx: IdbTransaction;
      try {
        tx = db.transaction(OBJECT_STORE, mode, { durability: "strict" });
      } catch (e) {
        reject(failure(name, what, e as Error));
        return;
      }
      const result = act(tx.objectStore(OBJECT_STORE));
      tx.oncomplete = () => {
        try {
          resolve(result());
        } catch (e) {
          reject(e);
        }
      };
      tx.onerror = () => reject(failure(name, what, tx.error));
      tx.onabort = () => reject(failure(name, `${what} aborted`, tx.error));
    });
  return {
    load: () =>
      run(
        "readonly",
        (store) => {
          const get = store.get(KEY);
          return () => snapshotOf(get.result);
        },
        "load",
      ),
    save: (snapshot) =>
      run(
        "readwrite",
        (store) => {
          store.put({ version: RECORD_VERSION, snapshot: snapshot.slice() }, KEY);
          return () => undefined;
        },
        "save",
      ),
    clear: () =>
      run(
        "readwrite",
        (store) => {
          store.delete(KEY);
          return () => undefined;
        },
        "clear",
      ),
    close: () => db.close(),
  };
}

/** The snapshot of a stored record. @throws CodecError when the record is not one of ours. */
function snapshotOf(value: unknown): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const record = value as { version?: unknown; snapshot?: unknown };
  if (typeof value !== "object" || value === null || record.version !== RECORD_VERSION)
    throw new CodecError("the stored record is not a client state record of version 1", {
      path: "/indexedDB/version",
    });
  if (!(record.snapshot instanceof Uint8Array))
    throw new CodecError("the stored record holds no snapshot bytes", { path: "/indexedDB/snapshot" });
  return record.snapshot;
}
