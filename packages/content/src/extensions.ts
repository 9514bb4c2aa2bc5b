import { utf8, ValidationError } from "@mimi/wire";
import {
  type CborReader,
  type CborValue,
  checkIntKey,
  headLength,
  readAny,
  tokenName,
  validateAny,
} from "./codec/cbor.js";
import { extensionKeys } from "./registries.js";

/** An extension key: an integer within ±(2^53−1), or a text string of 1..255 UTF-8 octets. */
export type ExtensionKey = number | string;

/**
 * draft-ietf-mimi-content-08 §4.3 / A.1:
 *
 * ```cddl
 * extensions = {
 *   ? &(senderUri: 1) ^ => tstr,
 *   ? &(roomUri: 2) ^ => tstr,
 *   * $$otherKnownExtensions,
 *   * unknownExtension
 * }
 * unknownExtension = ( name => value )
 * name = int / tstr .size (1..255)
 * value = any
 * ```
 *
 * Kept in the decoded (deterministic) key order; unknown keys are preserved.
 */
export type Extensions = ReadonlyMap<ExtensionKey, CborValue>;

/** Read the extensions map. */
export function readExtensions(r: CborReader, path: string): Map<ExtensionKey, CborValue> {
  const head = r.next(path);
  if (head.type.major !== 5)
    r.fail(`expected extensions map, got ${tokenName(head)}`, path, "CONTENT-MSG-01");
  const n = head.value as number;
  const m = new Map<ExtensionKey, CborValue>();
  let prevStart = -1;
  let prevEnd = -1;
  for (let i = 0; i < n; i++) {
    const kp = `${path}/${i}/key`;
    const k = r.next(kp);
    const major = k.type.major;
    if (major <= 1) {
      checkIntKey(r, k.value as number | bigint, kp);
    } else if (major === 3) {
      const octets = r.pos - r.start - headLength(r.data[r.start]! & 31);
      if (octets < 1 || octets > 255) {
        // [CONTENT-EXT-02] draft-ietf-mimi-content-08 §4.3, §6.2: extension keys are integers or text strings of 1..255 octets.
        r.fail(`text extension key of ${octets} octets, must be 1..255`, kp, "CONTENT-EXT-02");
      }
    } else {
      r.fail(`extension key is ${tokenName(k)}, not int or tstr`, kp, "CONTENT-EXT-02");
    }
    const start = r.start;
    const end = r.pos;
    // [CONTENT-EXT-01] draft-ietf-mimi-content-08 §4.3: mimiExtensions MUST NOT include more than one field with the same key.
    if (prevStart >= 0) r.checkKeyOrder(prevStart, prevEnd, start, end, kp, "CONTENT-EXT-01");
    prevStart = start;
    prevEnd = end;
    const key = k.value as number | string;
    const vp = `${path}/${i}/value`;
    if (key === extensionKeys.senderUri || key === extensionKeys.roomUri) {
      const v = r.next(vp);
      // [CONTENT-EXT-06] draft-ietf-mimi-content-08 §4.3: senderUri (1) and roomUri (2) are tstr.
      if (v.type.major !== 3)
        r.fail(`extension ${key} must be tstr, got ${tokenName(v)}`, vp, "CONTENT-EXT-06");
      m.set(key, v.value as string);
    } else {
      m.set(key, readAny(r, vp, 1));
    }
  }
  return m;
}

/**
 * Validate an extensions map for encoding (key types and sizes, known key types, depth) and return
 * it in a form the encoder sorts.
 *
 * @throws ValidationError naming the path and the rule.
 */
export function extensionsToCbor(ext: Extensions, path: string): ReadonlyMap<ExtensionKey, CborValue> {
  if (!(ext instanceof Map))
    throw new ValidationError("extensions is not a Map", { path, rule: "CONTENT-MSG-01" });
  let i = 0;
  for (const [k, v] of ext) {
    if (typeof k === "number") {
      if (!Number.isSafeInteger(k)) {
        throw new ValidationError("integer extension key beyond ±(2^53−1)", {
          path: `${path}/${i}/key`,
          rule: "CONTENT-EXT-04",
        });
      }
      if ((k === extensionKeys.senderUri || k === extensionKeys.roomUri) && typeof v !== "string") {
        throw new ValidationError(`extension ${k} must be tstr`, {
          path: `${path}/${i}/value`,
          rule: "CONTENT-EXT-06",
        });
      }
    } else if (typeof k === "string") {
      // a UTF-16 unit is at most 3 UTF-8 octets: only long keys need measuring
      const n = k.length > 85 ? utf8(k).length : k.length;
      if (n < 1 || n > 255) {
        throw new ValidationError(`text extension key of ${n} octets, must be 1..255`, {
          path: `${path}/${i}/key`,
          rule: "CONTENT-EXT-02",
        });
      }
    } else {
      throw new ValidationError("extension key is not int or tstr", {
        path: `${path}/${i}/key`,
        rule: "CONTENT-EXT-02",
      });
    }
    if (typeof v !== "string") validateAny(v, `${path}/${i}/value`, 1);
    i++;
  }
  return ext;
}

/** The senderUri extension (key 1), if present. */
export function senderUriOf(ext: Extensions): string | undefined {
  const v = ext.get(extensionKeys.senderUri);
  return typeof v === "string" ? v : undefined;
}

/** The roomUri extension (key 2), if present. */
export function roomUriOf(ext: Extensions): string | undefined {
  const v = ext.get(extensionKeys.roomUri);
  return typeof v === "string" ? v : undefined;
}
