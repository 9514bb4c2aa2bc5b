import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("mimi demo: usage", () => {
  it.each([
    [["--members", "2"], "--members"],
    [["--members", "x"], "--members"],
    [["--keep-running"], "--dir"],
    [["--storage", "mysql://x"], "--storage"],
    [["extra"], "unexpected argument"],
    [["--screenshot", "shots"], "--screenshot needs --web"],
    [["--web", "--members", "5"], "--members does not go with --web"],
    [["--web", "--json"], "--json does not go with --web"],
    [["--web", "--storage", "mysql://x"], "--storage"],
  ])("%j is a usage error (exit 2)", async (args, message) => {
    const r = await runCli(["demo", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
