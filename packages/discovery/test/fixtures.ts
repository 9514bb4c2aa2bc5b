import { parseUserUri, type UserUri } from "@mimi/identifiers";
import {
  Directory,
  type DirectoryMatch,
  type DirectoryStore,
  MemoryDirectoryStore,
  type UserRecord,
} from "../src/index.js";

export const alice: UserUri = parseUserUri("mimi://a.example/u/alice");
export const carol: UserUri = parseUserUri("mimi://a.example/u/carol");
export const dave: UserUri = parseUserUri("mimi://a.example/u/dave");
export const bob: UserUri = parseUserUri("mimi://b.example/u/bob");

/** A store that records every call made to it, to compare the work of two queries. */
export class CountingStore implements DirectoryStore {
  readonly inner: DirectoryStore;
  readonly calls: string[] = [];
  readonly keys: string[] = [];
  constructor(inner: DirectoryStore = new MemoryDirectoryStore()) {
    this.inner = inner;
  }
  getUser(user: UserUri): Promise<UserRecord | undefined> {
    this.calls.push("getUser");
    return this.inner.getUser(user);
  }
  putUser(record: UserRecord): Promise<void> {
    return this.inner.putUser(record);
  }
  deleteUser(user: UserUri): Promise<void> {
    return this.inner.deleteUser(user);
  }
  lookup(key: string, limit: number): Promise<readonly DirectoryMatch[]> {
    this.calls.push("lookup");
    this.keys.push(key);
    return this.inner.lookup(key, limit);
  }
  isContact(user: UserUri, candidate: UserUri): Promise<boolean> {
    this.calls.push("isContact");
    return this.inner.isContact(user, candidate);
  }
}

/**
 * a.example with alice (public tel and im), carol (opted out), dave (contacts only, bob is a
 * contact), on `inner` (memory by default).
 */
export async function populated(
  inner?: DirectoryStore,
): Promise<{ directory: Directory; store: CountingStore }> {
  const store = new CountingStore(inner);
  const directory = new Directory("a.example", store);
  await directory.publish({ kind: "user", user: alice }, alice, [
    { handle: "tel:+1-201-555-0123", discoverability: "anyone", tags: ["Personal"] },
    { handle: "im:alice.smith@a.example", discoverability: "anyone", tags: ["Business"] },
    { handle: "mailto:alice@mail.example", discoverability: "nobody" },
  ]);
  await directory.publish({ kind: "user", user: carol }, carol, [
    { handle: "tel:+12015550199", discoverability: "nobody" },
  ]);
  await directory.publish(
    { kind: "user", user: dave },
    dave,
    [{ handle: "mailto:dave@mail.example", discoverability: "contacts" }],
    { reveal: ["mimi://a.example/p/koala75"], contacts: [bob] },
  );
  return { directory, store };
}
