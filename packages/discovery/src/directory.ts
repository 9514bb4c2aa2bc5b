import { type MimiUri, parseMimiUri, type UserUri } from "@mimi/identifiers";
import { ProtocolError, ValidationError } from "@mimi/wire";
import { type DirectoryHandle, parseDirectoryHandle } from "./handle.js";

/**
 * Who may discover a user through one handle: anyone, only the user's contacts, or nobody
 * (draft-ietf-mimi-user-discovery-reqs §5 R1: only the recipient authorizes a mapping).
 */
export const discoverabilities = { anyone: "anyone", contacts: "contacts", nobody: "nobody" } as const;
/** A {@link discoverabilities} value. */
export type Discoverability = keyof typeof discoverabilities;

/** One handle of a user with the user's preferences for it. */
export interface HandleEntry {
  readonly handle: DirectoryHandle;
  readonly discoverability: Discoverability;
  /** The recipient's labels for this mapping, e.g. `Business`, `Personal` (R2). */
  readonly tags: readonly string[];
}

/** A user's directory record at its provider. */
export interface UserRecord {
  readonly user: UserUri;
  readonly handles: readonly HandleEntry[];
  /** The identifiers (the user URI and/or pseudonyms of this provider) that a query may reveal, in order of preference. */
  readonly reveal: readonly MimiUri[];
  /** The users who count as contacts for `contacts` handles. */
  readonly contacts: readonly UserUri[];
}

/** One match of a search key: the user and the handle entry that matched. */
export interface DirectoryMatch {
  readonly user: UserUri;
  readonly entry: HandleEntry;
}

/**
 * The storage a {@link Directory} keeps its records in: in memory ({@link MemoryDirectoryStore})
 * or on a database (`SqlDirectoryStore`). Every call is one unit of store work whatever the data
 * (one statement on a database), so that the identifier query can make the same calls for a hit
 * and a miss (decision 0703).
 */
export interface DirectoryStore {
  /** The record of a user, if any. */
  getUser(user: UserUri): Promise<UserRecord | undefined>;
  /** Stores (replaces) a user's record and re-indexes its handles. */
  putUser(record: UserRecord): Promise<void>;
  /** Removes a user's record. */
  deleteUser(user: UserUri): Promise<void>;
  /** At most `limit` matches of one search key (`handle:…`, `nick:…`, `email:…`, `phone:…`). */
  lookup(key: string, limit: number): Promise<readonly DirectoryMatch[]>;
  /** Whether `candidate` is a contact of `user`. */
  isContact(user: UserUri, candidate: UserUri): Promise<boolean>;
}

/** An in-memory {@link DirectoryStore}. */
export class MemoryDirectoryStore implements DirectoryStore {
  readonly #users = new Map<string, UserRecord>();
  readonly #index = new Map<string, DirectoryMatch[]>();

  async getUser(user: UserUri): Promise<UserRecord | undefined> {
    return this.#users.get(user);
  }

  async putUser(record: UserRecord): Promise<void> {
    this.#delete(record.user);
    this.#users.set(record.user, record);
    for (const entry of record.handles) {
      for (const key of entry.handle.keys) {
        const list = this.#index.get(key) ?? [];
        list.push({ user: record.user, entry });
        this.#index.set(key, list);
      }
    }
  }

  async deleteUser(user: UserUri): Promise<void> {
    this.#delete(user);
  }

  #delete(user: UserUri): void {
    const old = this.#users.get(user);
    if (old === undefined) return;
    this.#users.delete(user);
    for (const entry of old.handles) {
      for (const key of entry.handle.keys) {
        const rest = (this.#index.get(key) ?? []).filter((m) => m.user !== user);
        if (rest.length === 0) this.#index.delete(key);
        else this.#index.set(key, rest);
      }
    }
  }

  async lookup(key: string, limit: number): Promise<readonly DirectoryMatch[]> {
    return (this.#index.get(key) ?? []).slice(0, limit);
  }

  async isContact(user: UserUri, candidate: UserUri): Promise<boolean> {
    return this.#users.get(user)?.contacts.includes(candidate) ?? false;
  }
}

/** Who asks to change a mapping: the user itself, or the issuer of the handle (the CSIP). */
export type DirectoryActor =
  | { readonly kind: "user"; readonly user: UserUri }
  | { readonly kind: "issuer"; readonly domain: string };

/** A user's preference for one handle, as the user states it. */
export interface HandlePreference {
  readonly handle: string;
  readonly discoverability: Discoverability;
  readonly tags?: readonly string[];
}

/**
 * A provider's directory of its users' handles and preferences (decision 0700).
 */
export class Directory {
  readonly domain: string;
  readonly store: DirectoryStore;

  constructor(domain: string, store: DirectoryStore = new MemoryDirectoryStore()) {
    this.domain = domain;
    this.store = store;
  }

  /**
   * Publishes (replaces) a user's handles and preferences.
   * @throws ProtocolError `DISC-R1-01` when the actor is not the user; ValidationError
   * (`DISC-DIR-01`, `DISC-DIR-02`, `DISC-HANDLE-01` or an identifier rule) for bad input.
   */
  async publish(
    actor: DirectoryActor,
    user: UserUri,
    preferences: readonly HandlePreference[],
    options: { readonly reveal?: readonly string[]; readonly contacts?: readonly UserUri[] } = {},
  ): Promise<UserRecord> {
    if (actor.kind !== "user" || actor.user !== user) {
      // [DISC-R1-01] draft-ietf-mimi-user-discovery-reqs §5 R1: only the recipient MUST be able to authorize a mapping of its identifiers
      throw new ProtocolError("only the user can publish its own handles", {
        path: "/actor",
        rule: "DISC-R1-01",
        code: "forbidden",
      });
    }
    if (parseMimiUri(user).domain !== this.domain) {
      // [DISC-DIR-01] draft-ietf-mimi-protocol-06 §3 (decision 0700): a provider's directory holds only users of its own domain
      throw new ValidationError(`user ${user} is not a user of ${this.domain}`, {
        path: "/user",
        rule: "DISC-DIR-01",
      });
    }
    const reveal = (options.reveal ?? [user]).map((r, i) => {
      const p = parseMimiUri(r);
      if ((p.kind !== "u" && p.kind !== "p") || p.domain !== this.domain) {
        // [DISC-DIR-02] draft-ietf-mimi-protocol-06 §3 (decision 0700): a revealed identifier is a user or pseudonym URI of the user's own provider
        throw new ValidationError("a revealed identifier must be a user or pseudonym URI of this provider", {
          path: `/reveal/${i}`,
          rule: "DISC-DIR-02",
        });
      }
      return p.uri;
    });
    const handles = preferences.map((p, i) => {
      const handle = parseDirectoryHandle(p.handle);
      if (!(p.discoverability in discoverabilities)) {
        throw new ValidationError(`unknown discoverability ${String(p.discoverability)}`, {
          path: `/preferences/${i}/discoverability`,
          rule: "DISC-DIR-02",
        });
      }
      return { handle, discoverability: p.discoverability, tags: [...(p.tags ?? [])] };
    });
    const record: UserRecord = { user, handles, reveal, contacts: [...new Set(options.contacts ?? [])] };
    await this.store.putUser(record);
    return record;
  }

  /**
   * Removes one handle (R9: a way to remove mappings).
   * @throws ProtocolError `DISC-R10-01` when the actor is neither the user nor the handle's issuer.
   * @returns whether a mapping was removed.
   */
  async removeHandle(actor: DirectoryActor, user: UserUri, handle: string): Promise<boolean> {
    const canonical = parseDirectoryHandle(handle);
    const allowed =
      (actor.kind === "user" && actor.user === user) ||
      (actor.kind === "issuer" && canonical.issuer !== undefined && actor.domain === canonical.issuer);
    if (!allowed) {
      // [DISC-R10-01] draft-ietf-mimi-user-discovery-reqs §5 R10: only the recipient or the CSIP (the handle's issuer) can remove a mapping
      throw new ProtocolError("only the user or the handle's issuer can remove a mapping", {
        path: "/actor",
        rule: "DISC-R10-01",
        code: "forbidden",
      });
    }
    const record = await this.store.getUser(user);
    if (record === undefined) return false;
    const handles = record.handles.filter((h) => h.handle.uri !== canonical.uri);
    if (handles.length === record.handles.length) return false;
    // [DISC-R9-01] draft-ietf-mimi-user-discovery-reqs §5 R9: DPs MUST provide a way to remove mappings
    await this.store.putUser({ ...record, handles });
    return true;
  }

  /**
   * Removes a user and every mapping of it (account deletion, R9).
   * @throws ProtocolError `DISC-R10-01` when the actor is not the user.
   */
  async removeUser(actor: DirectoryActor, user: UserUri): Promise<void> {
    if (actor.kind !== "user" || actor.user !== user) {
      throw new ProtocolError("only the user can remove its record", {
        path: "/actor",
        rule: "DISC-R10-01",
        code: "forbidden",
      });
    }
    await this.store.deleteUser(user);
  }
}
