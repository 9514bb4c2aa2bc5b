/** Assertions the hub-view tests share. */
import { MimiError } from "@mimi/wire";
import { expect } from "vitest";
import { hubAgreement, memberAgreement, type Scenario } from "./hub-view-driver.js";

/** The error `p` rejects with, asserting it is a MIMI error (with `rule`, when given). */
export async function rejection(p: Promise<unknown>, rule?: string): Promise<MimiError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MimiError);
  if (rule !== undefined) expect((caught as MimiError).rule).toBe(rule);
  return caught as MimiError;
}

/** Every member agrees with the hub view after epoch `epoch`, an operation of kind `kind`. */
export function expectAgreement(sc: Scenario, epoch: number, kind: string): void {
  const hub = hubAgreement(sc.hub);
  for (const m of sc.members) {
    expect({ epoch, kind, member: m.name, ...memberAgreement(m.state) }).toEqual({
      epoch,
      kind,
      member: m.name,
      ...hub,
    });
  }
}
