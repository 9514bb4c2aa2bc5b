// The API reference of the public packages (`pnpm docs`): HTML in docs-html/ (git-ignored).
// Warnings are errors: a broken {@link}, a link to something not exported, or a type the API uses
// but does not export fails the run.

/** The public packages, each documented from its entry point `src/index.ts` (the `.` export). */
const packages = [
  "wire",
  "identifiers",
  "content",
  "identity",
  "mls-profile",
  "room-policy",
  "protocol",
  "ohttp",
  "discovery",
  "client",
  "provider",
];

import { readFileSync } from "node:fs";

/** The project's repository (root package.json, decision 0006): source links point there. */
const repository = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"))
  .repository.url.replace(/^git\+/, "")
  .replace(/\.git$/, "");

/** @type {Partial<import("typedoc").TypeDocOptions>} */
const config = {
  name: "MIMI reference implementation",
  entryPointStrategy: "resolve",
  entryPoints: [
    ...packages.map((p) => `packages/${p}/src/index.ts`),
    // @mimi/content's other exports
    "packages/content/src/message-status.ts",
    "packages/content/src/more-extensions.ts",
    "spec-vectors/src/index.ts",
  ],
  // One TypeScript program for all of them, with the workspace's settings (`@mimi/source`).
  tsconfig: "tsconfig.api.json",
  plugin: ["./tools/typedoc-package-names.mjs"],
  out: "docs-html",
  // Source links from the repository URL, not from the clone's git remote (a fresh clone's
  // remote is wherever it was cloned from, which TypeDoc cannot turn into links).
  sourceLinkTemplate: `${repository}/blob/{gitRevision}/{path}#L{line}`,
  // The root README describes the repository (its links point at folders, which TypeDoc cannot
  // copy); the reference starts with the list of packages, each with its package documentation.
  readme: "none",
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false },
  // notDocumented stays off: fields named after the drafts' structures are documented by their
  // structure's comment (the same choice as the API reports' ae-undocumented).
  // Code blocks in the drafts' own notations: shown as written, not highlighted.
  ignoredHighlightLanguages: ["tls", "cddl"],
  externalSymbolLinkMappings: {
    typescript: {
      Error: "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Error",
    },
  },
};

export default config;
