// Types of tools/readme-snippets.mjs, for the TypeScript tests that import it.

/** A fenced TypeScript block of a Markdown text. */
export interface Snippet {
  /** The 1-based line of the block's first code line. */
  readonly line: number;
  readonly code: string;
  /** `ts` or `typescript`. */
  readonly lang: string;
  /** The info string says `runnable`: the example runs standalone in plain Node. */
  readonly runnable: boolean;
}

/** A snippet with the Markdown file it comes from (relative to the workspace root). */
export interface SourcedSnippet {
  readonly source: string;
  readonly line: number;
  readonly code: string;
  readonly runnable?: boolean;
}

export const uncheckedFiles: Readonly<Record<string, string>>;
export function extractSnippets(markdown: string): Snippet[];
export function markdownFiles(root?: string): string[];
export function snippetsOf(files: readonly string[], root?: string): Required<SourcedSnippet>[];
export function writeSnippets(
  snippets: readonly SourcedSnippet[],
  root?: string,
): { dir: string; files: { snippet: SourcedSnippet; file: string }[]; remove: () => void };
export function typecheckSnippets(snippets: readonly SourcedSnippet[], root?: string): string[];
