/**
 * Benchmark of the identifier query: queries per second for an unknown handle (the baseline), an
 * opted-out user's handle, a contacts-only handle asked by a non-contact, a rate-limited query and
 * a hit, measured in alternation in the same run over the same directory. A ratio near 1 against
 * the baseline is the timing counterpart of the tests' equal-work assertions. The same four
 * queries are then measured on the database store (PGlite in memory), against its own miss.
 */

import {
  answerIdentifierQuery,
  Directory,
  type DirectoryStore,
  type Discoverability,
  type IdentifierRequest,
  RateLimiter,
} from "@mimi/discovery";
import type { UserUri } from "@mimi/identifiers";
import { type BenchArea, median, opsPerSecond, throughputMetric } from "@mimi/testkit";
import { migrateDiscovery, openDatabase, SqlDirectoryStore } from "../src/index.js";

function phoneOf(i: number): string {
  return `+1201${String(5_000_000 + i).padStart(7, "0")}`;
}

/** A directory of `n` users, cycling through the three discoverabilities. */
async function directoryOf(n: number, store?: DirectoryStore): Promise<Directory> {
  const directory = new Directory("a.example", store);
  const kinds: readonly Discoverability[] = ["anyone", "contacts", "nobody"];
  for (let i = 0; i < n; i++) {
    const user = `mimi://a.example/u/user${i}` as UserUri;
    await directory.publish({ kind: "user", user }, user, [
      { handle: `tel:${phoneOf(i)}`, discoverability: kinds[i % 3] as Discoverability, tags: ["Personal"] },
    ]);
  }
  return directory;
}

const request = (phone: string): IdentifierRequest => ({
  query_elements: [{ searchType: "phone", searchValue: phone }],
  id_request_extensions: { component_data: [] },
});

export const bench: BenchArea = {
  area: "discovery",
  async run({ quick, progress }) {
    const n = quick ? 3_000 : 30_000;
    const directory = await directoryOf(n);
    const open = new RateLimiter({
      queriesPerWindow: Number.MAX_SAFE_INTEGER,
      distinctKeysPerWindow: Number.MAX_SAFE_INTEGER,
      windowMs: 1,
    });
    const closed = new RateLimiter({
      queriesPerWindow: 0,
      distinctKeysPerWindow: 0,
      windowMs: Number.MAX_SAFE_INTEGER,
    });
    const from = { provider: "b.example" };
    const casesOf = (prefix: string, d: Directory, users: number): readonly [string, () => unknown][] => [
      [
        `${prefix}.unknown.opsPerSec`,
        () => answerIdentifierQuery(d, open, request(phoneOf(users + 7)), from, 0),
      ],
      [`${prefix}.optedOut.opsPerSec`, () => answerIdentifierQuery(d, open, request(phoneOf(2)), from, 0)],
      [
        `${prefix}.contactsOnly.opsPerSec`,
        () => answerIdentifierQuery(d, open, request(phoneOf(1)), from, 0),
      ],
      [
        `${prefix}.rateLimited.opsPerSec`,
        () => answerIdentifierQuery(d, closed, request(phoneOf(0)), from, 0),
      ],
      [`${prefix}.hit.opsPerSec`, () => answerIdentifierQuery(d, open, request(phoneOf(0)), from, 0)],
    ];
    /** Each case in alternation, `runs` rounds; every figure against the first case (the miss). */
    const measure = async (cases: readonly [string, () => unknown][], label: string) => {
      const results: number[][] = cases.map(() => []);
      const runs = quick ? 3 : 7;
      for (let r = 0; r < runs; r++) {
        progress?.(`${label} round ${r + 1}/${runs}`);
        for (const [i, [, fn]] of cases.entries()) {
          results[i]?.push(await opsPerSecond(fn, { minTimeMs: quick ? 100 : 300, runs: 1 }));
        }
      }
      const baseline = throughputMetric(cases[0]?.[0] as string, median(results[0] as number[]));
      return [
        baseline,
        ...cases
          .slice(1)
          .map(([name], i) => throughputMetric(name, median(results[i + 1] as number[]), baseline)),
      ];
    };
    const metrics = await measure(casesOf("query", directory, n), "memory");
    const db = await openDatabase("memory://");
    try {
      await migrateDiscovery(db);
      const users = quick ? 150 : 600;
      const persisted = await directoryOf(users, new SqlDirectoryStore(db));
      metrics.push(...(await measure(casesOf("pglite.query", persisted, users), "PGlite")));
    } finally {
      await db.close();
    }
    return { area: "discovery", metrics };
  },
};
