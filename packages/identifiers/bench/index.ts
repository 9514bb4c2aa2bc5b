/**
 * Benchmark of the MIMI URI parser: `parseMimiUri` (full parse and normalization) over a mixed
 * corpus, against `new URL()` (the WHATWG URL parser built into Node) on the same corpus in the
 * same run. Both figures count URIs per second.
 */
import { type BenchArea, median, opsPerSecond, throughputMetric } from "@mimi/testkit";
import { parseMimiUri } from "../src/index.js";

/**
 * The corpus: the drafts' valid `mimi:` literals as printed, spellings that need normalization
 * (case, needless or lower-case percent-encoding, raw non-ASCII), and an internationalized host.
 */
export const benchCorpus: readonly string[] = [
  "mimi://a.example",
  "mimi://a.example/u/alice",
  "mimi://a.example/p/crazykoala75",
  "mimi://a.example/d/ClientA1",
  "mimi://a.example/d/alice/ClientA1",
  "mimi://a.example/r/clubhouse",
  "mimi://a.example/g/TII9t5viBrXiXc",
  "mimi://a.example/t/engineering",
  "mimi://example.com/d/3b52249d-68f9-45ce-8bf5-c799f3cad7ec/0003",
  "mimi://example.com/d/SvPfLlwBQi-6oddVRrkqpw/04c7",
  "mimi://example.com/r/engineering_team",
  "mimi://example.com/u/alice-smith",
  "mimi://hub.example/r/Rl33FWLCYWOwxHrYnpWDQg",
  "mimi://irc.example.com/u/jcapulet1583@example.com",
  "mimi://local.invalid/u/alice.smith",
  "MIMI://A.Example/u/Alice",
  "mimi://Example.COM/d/juliet/balcony",
  "mimi://a.example/u/%61lice%2esmith",
  "mimi://irc.example.com/u/jcapulet1583%40example.com",
  "mimi://a.example/r/caf%c3%a9",
  "mimi://a.example/u/jöhn",
  "mimi://bücher.example/u/alice",
];

let sink = 0;

/** Parse every corpus entry once with `parse`; returns a value so the work is not optimized away. */
function runCorpus(parse: (text: string) => unknown): number {
  for (const text of benchCorpus) if (parse(text) !== undefined) sink++;
  return sink;
}

/**
 * Throughput of `a` and `b` (URIs per second), measured in alternation so that a change in the
 * machine's load affects both alike; the median of `runs` rounds each.
 */
async function alternate(
  a: () => unknown,
  b: () => unknown,
  minTimeMs: number,
  runs: number,
): Promise<[number, number]> {
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r < runs; r++) {
    ra.push(await opsPerSecond(a, { minTimeMs, runs: 1 }));
    rb.push(await opsPerSecond(b, { minTimeMs, runs: 1 }));
  }
  return [median(ra) * benchCorpus.length, median(rb) * benchCorpus.length];
}

export const bench: BenchArea = {
  area: "identifiers",
  async run({ quick, progress }) {
    progress?.("new URL() and parseMimiUri, alternating");
    const [url, ours] = await alternate(
      () => runCorpus((t) => new URL(t)),
      () => runCorpus(parseMimiUri),
      quick ? 150 : 400,
      quick ? 3 : 7,
    );
    const whatwg = throughputMetric("whatwgUrl.opsPerSec", url);
    const parse = throughputMetric("parse.opsPerSec", ours, whatwg);
    return { area: "identifiers", metrics: [whatwg, parse] };
  },
};
