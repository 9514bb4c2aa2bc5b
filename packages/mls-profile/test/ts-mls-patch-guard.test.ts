import type { InternalError } from "@mimi/wire";
import { afterEach, describe, expect, it, vi } from "vitest";

// The profile loads only over the project's patched ts-mls (@mimi/ts-mls, decision 0006). These
// tests swap the module for one without the patch's marker, or with another revision, and import
// the guard afresh. (The consumer test does the same with the registry's real ts-mls 1.6.4.)
describe("the ts-mls patch guard", () => {
  afterEach(() => {
    vi.doUnmock("@mimi/ts-mls");
    vi.resetModules();
  });

  it("refuses a ts-mls without the patch, saying so", async () => {
    vi.resetModules();
    // (vitest's mock throws on reading an export it lacks; a real namespace reads undefined)
    vi.doMock("@mimi/ts-mls", async (importOriginal) => ({
      ...(await importOriginal<Record<string, unknown>>()),
      mimiPatch: undefined,
    }));
    const e = await import("../src/adapter/ts-mls-patch.js").then(
      () => undefined,
      (x: unknown) => x,
    );
    // (a fresh module graph has its own @mimi/wire, so the class is compared by name)
    expect((e as Error).name).toBe("InternalError");
    expect((e as InternalError).message).toMatch(/needs ts-mls 1\.6\.4 with the MIMI patch revision 9/);
    expect((e as InternalError).message).toMatch(/a ts-mls without the MIMI patch/);
  });

  it("refuses another revision of the patch", async () => {
    vi.resetModules();
    vi.doMock("@mimi/ts-mls", async (importOriginal) => ({
      ...(await importOriginal<Record<string, unknown>>()),
      mimiPatch: { upstream: "ts-mls@1.6.4", revision: 2 },
    }));
    await expect(import("../src/adapter/ts-mls-patch.js")).rejects.toThrow(/revision":2/);
  });

  it("loads over the patched build", async () => {
    vi.resetModules();
    const m = await import("../src/adapter/ts-mls-patch.js");
    expect(typeof m.decodeExternalSendersList).toBe("function");
  });
});
