import { ValidationError } from "@mimi/wire";
import { type CborReader, tokenName } from "./codec/cbor.js";

/**
 * draft-ietf-mimi-content-08 §4.1:
 *
 * ```cddl
 * Expiration = [
 *     relative: bool,
 *     time: uint .size 4
 * ]
 * ```
 *
 * `relative`: seconds visible after being read; otherwise seconds since the UNIX epoch.
 */
export interface Expiration {
  readonly relative: boolean;
  readonly time: number;
}

/** Read an Expiration (the array head not yet read). */
export function readExpiration(r: CborReader, path: string): Expiration {
  const t = r.field(path);
  if (t.type.major !== 4 || t.value !== 2) {
    // [CONTENT-EXP-01] draft-ietf-mimi-content-08 §4.1: Expiration is [relative: bool, time: uint .size 4].
    r.fail(`expected Expiration array(2), got ${tokenName(t)}`, path, "CONTENT-EXP-01");
  }
  const rel = r.field(`${path}/relative`);
  if (rel.type.major !== 7 || typeof rel.value !== "boolean") {
    r.fail(`expected bool, got ${tokenName(rel)}`, `${path}/relative`, "CONTENT-EXP-01");
  }
  const time = r.field(`${path}/time`);
  if (time.type.major !== 0 || typeof time.value !== "number" || time.value > 0xffffffff) {
    r.fail("expected uint .size 4", `${path}/time`, "CONTENT-EXP-01");
  }
  return { relative: rel.value as boolean, time: time.value as number };
}

/** Validate an Expiration for encoding and return its CBOR shape. */
export function expirationToCbor(e: Expiration, path: string): readonly unknown[] {
  if (typeof e.relative !== "boolean" || !Number.isInteger(e.time) || e.time < 0 || e.time > 0xffffffff) {
    throw new ValidationError("expected [bool, uint .size 4]", { path, rule: "CONTENT-EXP-01" });
  }
  return [e.relative, e.time];
}
