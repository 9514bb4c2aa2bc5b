/**
 * Implied part indexes and `cid:` references (draft-ietf-mimi-content-08 §4.4, Appendix B.3):
 * "Each part also has an implied part index, which is a zero-indexed, depth-first integer",
 * referenced as `cid:<partIndex>@local.invalid`, which "MUST only reference the partIndex of a
 * SinglePart or ExternalPart".
 */
import { ValidationError } from "@mimi/wire";
import type { NestedPart } from "./nested-part.js";
import { partSemantics } from "./registries.js";

/** A part with its implied index and JSON-pointer path from the body. */
export interface IndexedPart {
  readonly index: number;
  readonly part: NestedPart;
  readonly path: string;
}

/** Every part of a body in implied part-index order (depth first, the body itself is 0). */
export function indexParts(body: NestedPart, path = "/nestedPart"): IndexedPart[] {
  const out: IndexedPart[] = [];
  const walk = (p: NestedPart, at: string): void => {
    out.push({ index: out.length, part: p, path: at });
    if (p.cardinality === 3) {
      for (let i = 0; i < p.parts.length; i++) walk(p.parts[i]!, `${at}/parts/${i}`);
    }
  };
  walk(body, path);
  return out;
}

/** The `cid:` URI of a part index. */
export function cidUri(partIndex: number): string {
  return `cid:${partIndex}@local.invalid`;
}

const CID = /cid:(\d+)@local\.invalid/g;

/** Part indexes referenced from a SinglePart whose content type is textual (text/*). */
export function cidReferences(part: NestedPart): number[] {
  if (part.cardinality !== 1 || !part.contentType.toLowerCase().startsWith("text/")) return [];
  const text = new TextDecoder().decode(part.content);
  return [...text.matchAll(CID)].map((m) => Number(m[1]));
}

/**
 * Check every `cid:` reference of a body.
 *
 * @throws ValidationError when a reference names a missing part, a NullPart or a MultiPart.
 */
export function checkCidReferences(body: NestedPart): void {
  const parts = indexParts(body);
  for (const p of parts) {
    for (const i of cidReferences(p.part)) {
      const target = parts[i];
      // [CONTENT-CID-01] draft-ietf-mimi-content-08 §4.4: a cid: URI MUST only reference the partIndex of a SinglePart or ExternalPart.
      if (target === undefined || (target.part.cardinality !== 1 && target.part.cardinality !== 2)) {
        throw new ValidationError(`${cidUri(i)} does not reference a SinglePart or ExternalPart`, {
          path: `${p.path}/content`,
          rule: "CONTENT-CID-01",
        });
      }
    }
  }
}

/**
 * The parts a receiver handles, in order (§4.4): chooseOne MultiParts are resolved first
 * (`choose` picks one of their parts; default: the sender's first preference), then the remaining
 * SinglePart/ExternalPart leaves are handled in order, skipping parts already referenced by a
 * previously handled part.
 */
export function processingOrder(
  body: NestedPart,
  choose: (options: readonly IndexedPart[]) => IndexedPart = (o) => o[0]!,
): IndexedPart[] {
  const all = indexParts(body);
  const byPart = new Map(all.map((p) => [p.part, p] as const));
  const leaves: IndexedPart[] = [];
  const walk = (p: NestedPart): void => {
    if (p.cardinality === 3) {
      if (p.partSemantics === partSemantics.chooseOne) walk(choose(p.parts.map((c) => byPart.get(c)!)).part);
      else for (const c of p.parts) walk(c);
    } else if (p.cardinality !== 0) {
      leaves.push(byPart.get(p)!);
    }
  };
  walk(body);
  const referenced = new Set<number>();
  const out: IndexedPart[] = [];
  for (const leaf of leaves) {
    if (referenced.has(leaf.index)) continue;
    out.push(leaf);
    for (const i of cidReferences(leaf.part)) referenced.add(i);
  }
  return out;
}
