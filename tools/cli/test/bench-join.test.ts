import { growthMetrics } from "@mimi/mls-profile/bench";
import type { BenchArea } from "@mimi/testkit";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/command.js";
import { parseSizes } from "../src/commands/bench.js";
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

describe("mimi bench --sizes chooses the group sizes (issue 20)", () => {
  it("parses a comma-separated list of sizes into distinct increasing integers", () => {
    expect(parseSizes("100,1000,10000")).toEqual([100, 1000, 10000]);
    expect(parseSizes("10000,1000,1000")).toEqual([1000, 10000]);
  });

  it("rejects what is not a list of group sizes with a usage error naming the part", () => {
    for (const bad of ["", "10,", "ten", "1", "0", "-5", "1e4", "10.5", "100, 1000", "123456789"]) {
      expect(() => parseSizes(bad), bad).toThrow(UsageError);
    }
    expect(() => parseSizes("100,x")).toThrow(/"x"/);
  });

  it("passes the sizes to every part of a joined area", async () => {
    const seen: (readonly number[] | undefined)[] = [];
    const part: BenchArea = {
      area: "p",
      run: async ({ sizes }) => {
        seen.push(sizes);
        return { area: "p", metrics: [] };
      },
    };
    await joinedBench("mls", [{ area: part }, { area: part, prefix: "x." }]).run({
      quick: false,
      sizes: [1000, 10000],
    });
    expect(seen).toEqual([
      [1000, 10000],
      [1000, 10000],
    ]);
  });

  it("names the growth ratio nN.<op>.growthFromNM for consecutive sizes, from the measured figures", () => {
    const ms = (name: string, value: number) => ({ name, value, unit: "ms" });
    const metrics = [
      ms("n1000.processCommit.ms", 60),
      ms("n1000.processCommit.tsMlsDefault.ms", 70),
      ms("n1000.commitAdd.ms", 80),
      ms("n10000.processCommit.ms", 90),
      ms("n10000.commitAdd.ms", 800),
      ms("n10000.hubProcessCommit.ms", 3),
    ];
    expect(growthMetrics([1000, 10000], metrics)).toEqual([
      { name: "n10000.commitAdd.growthFromN1000", value: 10, unit: "×" },
      { name: "n10000.processCommit.growthFromN1000", value: 1.5, unit: "×" },
    ]);
    expect(growthMetrics([10000], metrics)).toEqual([]);
  });
});
