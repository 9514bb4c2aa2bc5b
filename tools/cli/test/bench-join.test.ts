import type { BenchArea } from "@mimi/testkit";
import { describe, expect, it } from "vitest";
import { joinedBench } from "../src/registry.js";

describe("mimi bench mls joins the area's metrics and the core-crypto baselines", () => {
  it("runs every part in turn and renames its metrics and their baselines with its prefix", async () => {
    const seen: string[] = [];
    const own: BenchArea = {
      area: "mls",
      run: async ({ quick }) => {
        seen.push(`mls quick=${quick}`);
        return { area: "mls", metrics: [{ name: "n100.processCommit.ms", value: 8, unit: "ms" }] };
      },
    };
    const peer: BenchArea = {
      area: "interop",
      run: async () => {
        seen.push("interop");
        return {
          area: "interop",
          metrics: [
            { name: "n10.join.coreCrypto.ms", value: 3, unit: "ms" },
            { name: "n10.join.ms", value: 2, unit: "ms", baseline: "n10.join.coreCrypto.ms", ratio: 1.5 },
          ],
        };
      },
    };
    const r = await joinedBench("mls", [{ area: own }, { area: peer, prefix: "coreCrypto." }]).run({
      quick: true,
    });
    expect(seen).toEqual(["mls quick=true", "interop"]);
    expect(r).toEqual({
      area: "mls",
      metrics: [
        { name: "n100.processCommit.ms", value: 8, unit: "ms" },
        { name: "coreCrypto.n10.join.coreCrypto.ms", value: 3, unit: "ms" },
        {
          name: "coreCrypto.n10.join.ms",
          value: 2,
          unit: "ms",
          baseline: "coreCrypto.n10.join.coreCrypto.ms",
          ratio: 1.5,
        },
      ],
    });
  });
});
