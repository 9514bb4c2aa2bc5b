/**
 * A minimal DER tree for tests: parse a value into nodes, change one, encode again (lengths
 * recomputed), to make certificates that break one DER rule at a time. Independent of the
 * package's own reader on purpose.
 */

/** One value: constructed ones have children, primitive ones content. */
export interface DerNode {
  tag: number;
  content?: Uint8Array;
  children?: DerNode[];
  /** Encode the length in the long form even when it is short (not DER). */
  longLength?: boolean;
}

function parseAt(b: Uint8Array, start: number): { node: DerNode; end: number } {
  const tag = b[start]!;
  let p = start + 1;
  let length = b[p++]!;
  if (length >= 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + b[p++]!;
  }
  const end = p + length;
  if ((tag & 0x20) === 0) return { node: { tag, content: b.slice(p, end) }, end };
  const children: DerNode[] = [];
  while (p < end) {
    const c = parseAt(b, p);
    children.push(c.node);
    p = c.end;
  }
  return { node: { tag, children }, end };
}

/** Parse one DER value. */
export function parseDer(bytes: Uint8Array): DerNode {
  return parseAt(bytes, 0).node;
}

function lengthOctets(n: number, long: boolean): number[] {
  if (n < 0x80 && !long) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  if (out.length === 0) out.push(0);
  return [0x80 | out.length, ...out];
}

/** Encode a tree again. */
export function encodeDer(node: DerNode): Uint8Array {
  const body =
    node.children === undefined
      ? node.content!
      : node.children.reduce((acc, c) => {
          const e = encodeDer(c);
          const out = new Uint8Array(acc.length + e.length);
          out.set(acc);
          out.set(e, acc.length);
          return out;
        }, new Uint8Array(0));
  const head = [node.tag, ...lengthOctets(body.length, node.longLength === true)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** The node at `path` (child indices from the root). */
export function nodeAt(root: DerNode, path: readonly number[]): DerNode {
  let n = root;
  for (const i of path) n = n.children![i]!;
  return n;
}
