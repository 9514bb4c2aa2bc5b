/** Assertions the interop tests share. */
import { expect } from "vitest";
import type { MixedGroup } from "./mixed-group.js";

/** The exporter secrets seen so far in one test: each epoch's must be new. */
export type ExporterLog = Set<string>;

/**
 * Every member (of either implementation) is at `epoch`, exports the same secret, and lists the
 * same members, the ones the driver expects; the secret is one no earlier epoch had.
 */
export async function expectAgreement(
  g: MixedGroup,
  step: string,
  epoch: bigint,
  exporters: ExporterLog,
): Promise<void> {
  const a = await g.agreement();
  const shown = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? String(x) : x), 1);
  expect(a.distinct, `${step}: the members disagree:\n${shown(a.views)}`).toHaveLength(1);
  const view = a.distinct[0];
  expect({ step, epoch: view?.epoch, members: view?.members }).toEqual({ step, epoch, members: a.expected });
  const secret = view?.exporter ?? "";
  expect(exporters.has(secret), `${step}: the exporter secret of an earlier epoch came back`).toBe(false);
  exporters.add(secret);
}
