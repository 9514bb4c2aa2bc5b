/** Benchmark of the TLS codec: decoding a vector of opaque items against a plain copy of the same bytes. */
import { type BenchArea, opsPerSecond, throughputMetric } from "@mimi/testkit";
import { decodeTls, encodeTls } from "../src/index.js";

export const bench: BenchArea = {
  area: "wire",
  async run({ quick, progress }) {
    const items = Array.from({ length: 32 }, (_, i) => new Uint8Array(32).fill(i));
    const bytes = encodeTls((w) => w.vector(items, (x, v) => x.opaque(v)));
    const minTimeMs = quick ? 150 : 500;
    const runs = quick ? 3 : 5;
    progress?.("baseline: copy");
    const copy = throughputMetric(
      "copy.opsPerSec",
      await opsPerSecond(() => bytes.slice(), { minTimeMs, runs }),
    );
    progress?.("decode");
    const decode = throughputMetric(
      "decodeOpaqueVector.opsPerSec",
      await opsPerSecond(() => decodeTls(bytes, (r) => r.vector((x) => x.opaque())), { minTimeMs, runs }),
      copy,
    );
    progress?.("encode");
    const encode = throughputMetric(
      "encodeOpaqueVector.opsPerSec",
      await opsPerSecond(() => encodeTls((w) => w.vector(items, (x, v) => x.opaque(v))), { minTimeMs, runs }),
      copy,
    );
    return { area: "wire", metrics: [copy, decode, encode] };
  },
};
