/**
 * The extensions proposed by draft-mimi-content-more-extensions-00 (keys suggested there:
 * 3 senderTimestamp, 4 externalMessageId, 5 subject). Typed readers and writers over the generic
 * extensions map; unknown keys are untouched.
 *
 * Exported as `@mimi/content/more-extensions`.
 */
import { utf8, ValidationError } from "@mimi/wire";
import type { CborKey, CborTag, CborValue } from "./codec/cbor.js";
import type { ExtensionKey, Extensions } from "./extensions.js";

/** Suggested keys (the draft's TBD1–TBD3). */
export const moreExtensionKeys = { senderTimestamp: 3, externalMessageId: 4, subject: 5 } as const;

/**
 * draft-mimi-content-more-extensions-00 §3:
 *
 * ```cddl
 * senderTimestamp => { 1: uint, ? fractional }
 * fractional = ( -3: millisecs // -6: microsecs // -9: nanosecs)
 * ```
 */
export interface SenderTimestamp {
  readonly seconds: number;
  /** At most one of the fractional parts. */
  readonly fraction?: { readonly unit: -3 | -6 | -9; readonly value: number };
}

/**
 * draft-mimi-content-more-extensions-00 §4: `ExtMessageId = [ bstr, scope ]`,
 * `scope = pen / domain / uri` (a PEN > 0, a domain name, or a tag-32 URI).
 */
export interface ExternalMessageId {
  readonly id: Uint8Array;
  readonly scope: { readonly pen: number } | { readonly domain: string } | { readonly uri: string };
}

const FRACTION_MAX = { [-3]: 999, [-6]: 999_999, [-9]: 999_999_999 } as const;

function invalid(what: string, path: string, rule: string): never {
  throw new ValidationError(what, { path, rule });
}

/**
 * The senderTimestamp extension, if present.
 *
 * @throws ValidationError when present but malformed.
 */
export function getSenderTimestamp(ext: Extensions): SenderTimestamp | undefined {
  const v = ext.get(moreExtensionKeys.senderTimestamp);
  if (v === undefined) return undefined;
  const path = "/mimiExtensions/senderTimestamp";
  // [CONTENT-MOREEXT-01] draft-mimi-content-more-extensions-00 §3: senderTimestamp is {1: uint, ? (-3: 0..999 // -6: 0..999999 // -9: 0..999999999)}.
  if (!(v instanceof Map)) return invalid("senderTimestamp is not a map", path, "CONTENT-MOREEXT-01");
  const seconds = v.get(1);
  if (typeof seconds !== "number" || seconds < 0)
    invalid("seconds (key 1) is not a uint", path, "CONTENT-MOREEXT-01");
  let fraction: SenderTimestamp["fraction"];
  for (const [k, x] of v) {
    if (k === 1) continue;
    if ((k !== -3 && k !== -6 && k !== -9) || fraction !== undefined)
      invalid(`unexpected key ${String(k)}`, path, "CONTENT-MOREEXT-01");
    if (typeof x !== "number" || x < 0 || x > FRACTION_MAX[k as -3 | -6 | -9])
      invalid(`fraction ${k} out of range`, path, "CONTENT-MOREEXT-01");
    fraction = { unit: k as -3 | -6 | -9, value: x as number };
  }
  return fraction === undefined ? { seconds: seconds as number } : { seconds: seconds as number, fraction };
}

/**
 * A copy of `ext` with senderTimestamp set.
 *
 * @throws ValidationError when `ts` is out of range.
 */
export function withSenderTimestamp(ext: Extensions, ts: SenderTimestamp): Map<ExtensionKey, CborValue> {
  const m = new Map<CborKey, CborValue>([[1, ts.seconds]]);
  if (ts.fraction !== undefined) m.set(ts.fraction.unit, ts.fraction.value);
  const out = new Map(ext).set(moreExtensionKeys.senderTimestamp, m);
  getSenderTimestamp(out);
  return out;
}

/**
 * The externalMessageId extension, if present.
 *
 * @throws ValidationError when present but malformed.
 */
export function getExternalMessageId(ext: Extensions): ExternalMessageId | undefined {
  const v = ext.get(moreExtensionKeys.externalMessageId);
  if (v === undefined) return undefined;
  const path = "/mimiExtensions/externalMessageId";
  // [CONTENT-MOREEXT-02] draft-mimi-content-more-extensions-00 §4: externalMessageId is [bstr, pen (uint > 0) / domain (tstr) / uri (tag 32)].
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] instanceof Uint8Array)) {
    return invalid("externalMessageId is not [bstr, scope]", path, "CONTENT-MOREEXT-02");
  }
  const id = v[0];
  const s = v[1] as CborValue;
  if (typeof s === "number" && s > 0) return { id, scope: { pen: s } };
  if (typeof s === "string") return { id, scope: { domain: s } };
  if (
    typeof s === "object" &&
    s !== null &&
    "tag" in s &&
    (s as CborTag).tag === 32 &&
    typeof (s as CborTag).value === "string"
  ) {
    return { id, scope: { uri: (s as CborTag).value as string } };
  }
  return invalid("scope is not a PEN, a domain or a URI", `${path}/1`, "CONTENT-MOREEXT-02");
}

/**
 * A copy of `ext` with externalMessageId set.
 *
 * @throws ValidationError when `e` is malformed.
 */
export function withExternalMessageId(ext: Extensions, e: ExternalMessageId): Map<ExtensionKey, CborValue> {
  const s = e.scope;
  const scope: CborValue = "pen" in s ? s.pen : "domain" in s ? s.domain : { tag: 32, value: s.uri };
  const out = new Map(ext).set(moreExtensionKeys.externalMessageId, [e.id, scope]);
  getExternalMessageId(out);
  return out;
}

/**
 * The subject extension, if present.
 *
 * @throws ValidationError when present but not a text of 1..4096 octets.
 */
export function getSubject(ext: Extensions): string | undefined {
  const v = ext.get(moreExtensionKeys.subject);
  if (v === undefined) return undefined;
  // [CONTENT-MOREEXT-03] draft-mimi-content-more-extensions-00 §5: subject is tstr .size (1..4096).
  if (typeof v !== "string" || utf8(v).length < 1 || utf8(v).length > 4096) {
    return invalid(
      "subject is not a text of 1..4096 octets",
      "/mimiExtensions/subject",
      "CONTENT-MOREEXT-03",
    );
  }
  return v;
}

/**
 * A copy of `ext` with subject set.
 *
 * @throws ValidationError when `subject` is not 1..4096 octets.
 */
export function withSubject(ext: Extensions, subject: string): Map<ExtensionKey, CborValue> {
  const out = new Map(ext).set(moreExtensionKeys.subject, subject);
  getSubject(out);
  return out;
}
