import type { VNode } from "preact";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../app/markdown.js";

/** The rendered tree as a compact string: elements as `<tag>…</tag>`, text as itself. */
function show(nodes: readonly (string | VNode)[]): string {
  return nodes
    .map((n) => {
      if (typeof n === "string") return n;
      const children = (n.props as { children?: unknown }).children;
      const inner = children === undefined ? [] : Array.isArray(children) ? children : [children];
      return `<${String(n.type)}>${show(inner as (string | VNode)[])}</${String(n.type)}>`;
    })
    .join("");
}

describe("the web app's markdown", () => {
  it.each([
    ["Welcome to the **clubhouse**!", "Welcome to the <strong>clubhouse</strong>!"],
    ["Thanks _Alice_!", "Thanks <em>Alice</em>!"],
    ["*one* and `two` and ~~three~~", "<em>one</em> and <code>two</code> and <del>three</del>"],
    ["**bold _and italic_**", "<strong>bold <em>and italic</em></strong>"],
    ["`**not bold** in code`", "<code>**not bold** in code</code>"],
    ["snake_case_name stays", "snake_case_name stays"],
    ["two\nlines", "two<br></br>lines"],
    ["unclosed **bold", "unclosed **bold"],
  ])("%j", (text, expected) => {
    expect(show(renderMarkdown(text))).toBe(expected);
  });

  it("HTML in a message stays text: every leaf is a string, every element one of ours", () => {
    const nodes = renderMarkdown(`<img src=x onerror="alert(1)"> <b>**hi**</b> <script>x</script>`);
    const tags = new Set<string>();
    const walk = (ns: readonly (string | VNode)[]): void => {
      for (const n of ns) {
        if (typeof n === "string") continue;
        tags.add(String(n.type));
        const c = (n.props as { children?: unknown }).children;
        walk((c === undefined ? [] : Array.isArray(c) ? c : [c]) as (string | VNode)[]);
      }
    };
    walk(nodes);
    expect([...tags]).toEqual(["strong"]);
    expect(show(nodes)).toBe(`<img src=x onerror="alert(1)"> <b><strong>hi</strong></b> <script>x</script>`);
  });
});
