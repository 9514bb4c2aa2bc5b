/**
 * Benchmark of the MIMI content codec on the draft's `original` example (§5.1): our strict,
 * validated decode and encode against cborg alone (strict decode to plain values; encode of the
 * same plain value with RFC 8949 key sorting), measured in the same run.
 */
import { readUpstreamHex } from "@mimi/spec-vectors";
import { type BenchArea, opsPerSecond, throughputMetric } from "@mimi/testkit";
import { decode, encode, rfc8949EncodeOptions } from "cborg";
import { decodeMimiContent, encodeMimiContent } from "../src/index.js";

const CBORG_STRICT = {
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  useMaps: true,
} as const;

/** The `content` benchmark area. */
export const bench: BenchArea = {
  area: "content",
  async run({ quick, progress }) {
    const bytes = readUpstreamHex("content/original.hex");
    const content = decodeMimiContent(bytes);
    const plain = decode(bytes, CBORG_STRICT) as unknown;
    const minTimeMs = quick ? 150 : 500;
    const runs = quick ? 3 : 5;
    const opts = { minTimeMs, runs };
    progress?.("baseline: cborg strict decode");
    const rawDecode = throughputMetric(
      "decode.rawStrict",
      await opsPerSecond(() => decode(bytes, CBORG_STRICT), opts),
    );
    progress?.("decode");
    const ours = throughputMetric(
      "decode.opsPerSec",
      await opsPerSecond(() => decodeMimiContent(bytes), opts),
      rawDecode,
    );
    progress?.("baseline: cborg encode");
    const rawEncode = throughputMetric(
      "encode.raw",
      await opsPerSecond(() => encode(plain, rfc8949EncodeOptions), opts),
    );
    progress?.("encode");
    const enc = throughputMetric(
      "encode.opsPerSec",
      await opsPerSecond(() => encodeMimiContent(content), opts),
      rawEncode,
    );
    return { area: "content", metrics: [rawDecode, ours, rawEncode, enc] };
  },
};
