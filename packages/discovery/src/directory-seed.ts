/**
 * A directory seed: a JSON file of the users' published preferences, parsed and published into a
 * {@link Directory} (each user publishing its own record). `@mimi/provider`'s
 * `persistedDirectoryEndpoint` loads it into the provider's database, and its `identifierQuery`
 * endpoint answers from there (decision 0711); `@mimi/provider`'s `readDirectorySeedFile` reads one
 * from a file.
 */
import { parseUserUri, type UserUri } from "@mimi/identifiers";
import { ValidationError } from "@mimi/wire";
import type { Directory, HandlePreference } from "./directory.js";

/** One user's published preferences in a seed. */
export interface SeedUser {
  readonly user: UserUri;
  readonly handles: readonly HandlePreference[];
  readonly reveal?: readonly string[];
  readonly contacts?: readonly UserUri[];
}

/**
 * A directory seed file:
 * `{ "users": [ { "user", "handles": [ { "handle", "discoverability", "tags"? } ], "reveal"?, "contacts"? } ] }`.
 */
export interface DirectorySeed {
  readonly users: readonly SeedUser[];
}

function strings(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    // [DISC-CONF-02] draft-ietf-mimi-user-discovery-reqs §5 R1 (decision 0711): a directory seed is { "users": [ { "user", "handles": [ { "handle", "discoverability", "tags"? } ], "reveal"?, "contacts"? } ] }
    throw new ValidationError("expected an array of strings", { path, rule: "DISC-CONF-02" });
  }
  return value;
}

/**
 * Reads a directory seed (parsed JSON). Handles and URIs are checked when published.
 * @throws ValidationError `DISC-CONF-02` for a malformed seed, or an identifier rule for a bad user URI.
 */
export function parseDirectorySeed(value: unknown): DirectorySeed {
  const fail = (what: string, path: string): never => {
    throw new ValidationError(what, { path, rule: "DISC-CONF-02" });
  };
  const users = (value as { users?: unknown } | null)?.users;
  if (typeof value !== "object" || value === null || !Array.isArray(users))
    return fail("a directory seed is an object with a users array", "/users");
  return {
    users: users.map((u: unknown, i): SeedUser => {
      const e = u as Record<string, unknown> | null;
      if (
        typeof e !== "object" ||
        e === null ||
        typeof e["user"] !== "string" ||
        !Array.isArray(e["handles"])
      )
        return fail("a seed user needs a user URI and a handles array", `/users/${i}`);
      const handles = (e["handles"] as unknown[]).map((h, j): HandlePreference => {
        const p = h as Record<string, unknown> | null;
        const path = `/users/${i}/handles/${j}`;
        if (typeof p !== "object" || p === null || typeof p["handle"] !== "string")
          return fail("a handle needs a handle URI", path);
        if (typeof p["discoverability"] !== "string") return fail("a handle needs a discoverability", path);
        return {
          handle: p["handle"],
          discoverability: p["discoverability"] as HandlePreference["discoverability"],
          ...(p["tags"] === undefined ? {} : { tags: strings(p["tags"], `${path}/tags`) }),
        };
      });
      return {
        user: parseUserUri(e["user"]),
        handles,
        ...(e["reveal"] === undefined ? {} : { reveal: strings(e["reveal"], `/users/${i}/reveal`) }),
        ...(e["contacts"] === undefined
          ? {}
          : { contacts: strings(e["contacts"], `/users/${i}/contacts`).map((c) => parseUserUri(c)) }),
      };
    }),
  };
}

/**
 * Publishes every user of the seed in `directory`, each as itself (the user's own decision,
 * `DISC-R1-01`), replacing its stored record.
 * @throws ValidationError for a user or handle the directory refuses.
 */
export async function publishSeed(directory: Directory, seed: DirectorySeed): Promise<void> {
  for (const u of seed.users) {
    await directory.publish({ kind: "user", user: u.user }, u.user, u.handles, {
      ...(u.reveal === undefined ? {} : { reveal: u.reveal }),
      ...(u.contacts === undefined ? {} : { contacts: u.contacts }),
    });
  }
}
