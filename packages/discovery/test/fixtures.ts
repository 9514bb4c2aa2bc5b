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
  readonly inner: MemoryDirectoryStore = new MemoryDirectoryStore();
  readonly calls: string[] = [];
  readonly keys: string[] = [];
  getUser(user: UserUri): UserRecord | undefined {
    this.calls.push("getUser");
    return this.inner.getUser(user);
  }
  putUser(record: UserRecord): void {
    this.inner.putUser(record);
  }
  deleteUser(user: UserUri): void {
    this.inner.deleteUser(user);
  }
  lookup(key: string): readonly DirectoryMatch[] {
    this.calls.push("lookup");
    this.keys.push(key);
    return this.inner.lookup(key);
  }
  isContact(user: UserUri, candidate: UserUri): boolean {
    this.calls.push("isContact");
    return this.inner.isContact(user, candidate);
  }
}

/** a.example with alice (public tel and im), carol (opted out), dave (contacts only, bob is a contact). */
export function populated(): { directory: Directory; store: CountingStore } {
  const store = new CountingStore();
  const directory = new Directory("a.example", store);
  directory.publish({ kind: "user", user: alice }, alice, [
    { handle: "tel:+1-201-555-0123", discoverability: "anyone", tags: ["Personal"] },
    { handle: "im:alice.smith@a.example", discoverability: "anyone", tags: ["Business"] },
    { handle: "mailto:alice@mail.example", discoverability: "nobody" },
  ]);
  directory.publish({ kind: "user", user: carol }, carol, [
    { handle: "tel:+12015550199", discoverability: "nobody" },
  ]);
  directory.publish(
    { kind: "user", user: dave },
    dave,
    [{ handle: "mailto:dave@mail.example", discoverability: "contacts" }],
    { reveal: ["mimi://a.example/p/koala75"], contacts: [bob] },
  );
  return { directory, store };
}
