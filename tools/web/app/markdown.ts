/**
 * A small, safe renderer of the inline markdown MIMI messages carry (`text/markdown;variant=GFM-MIMI`):
 * `**strong**`, `_emphasis_` / `*emphasis*`, `` `code` ``, `~~strike~~` and line breaks, as Preact
 * elements. The text only ever becomes text nodes: no HTML of a message reaches the DOM.
 */
import { h, type VNode } from "preact";

type Inline = string | VNode;

const RULES: readonly { readonly re: RegExp; readonly tag: string; readonly nested: boolean }[] = [
  { re: /`([^`\n]+)`/, tag: "code", nested: false },
  { re: /\*\*([^*\n]+)\*\*/, tag: "strong", nested: true },
  { re: /__([^_\n]+)__/, tag: "strong", nested: true },
  { re: /~~([^~\n]+)~~/, tag: "del", nested: true },
  { re: /\*([^*\n]+)\*/, tag: "em", nested: true },
  { re: /(?<![\w])_([^_\n]+)_(?![\w])/, tag: "em", nested: true },
];

function inline(text: string): Inline[] {
  let best: { index: number; length: number; inner: string; tag: string; nested: boolean } | undefined;
  for (const r of RULES) {
    const m = r.re.exec(text);
    if (m !== null && (best === undefined || m.index < best.index))
      best = { index: m.index, length: m[0].length, inner: m[1] ?? "", tag: r.tag, nested: r.nested };
  }
  if (best === undefined) return text === "" ? [] : [text];
  const before = text.slice(0, best.index);
  const after = text.slice(best.index + best.length);
  const inner = best.nested ? inline(best.inner) : [best.inner];
  return [...(before === "" ? [] : [before]), h(best.tag, null, ...inner), ...inline(after)];
}

/** The markdown text as inline elements, line breaks kept. */
export function renderMarkdown(text: string): Inline[] {
  const out: Inline[] = [];
  text.split("\n").forEach((line, i) => {
    if (i > 0) out.push(h("br", null));
    out.push(...inline(line));
  });
  return out;
}
