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
    [["--members", "2000"], "more with --real"],
    [["--real", "5"], "--real needs --members"],
    [["--members", "100", "--real", "2"], "--real must be"],
    [["--members", "100", "--real", "101"], "--real must be"],
    [["--members", "100", "--batch", "10"], "--batch needs --real"],
    [["--members", "100", "--real", "6", "--batch", "0"], "--batch must be"],
    [["--web", "--real", "6"], "--real does not go with --web"],
  ])("%j is a usage error (exit 2)", async (args, message) => {
    const r = await runCli(["demo", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
