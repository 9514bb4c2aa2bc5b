// Types of tools/public-packages.mjs, for the TypeScript code that imports it.

/** A public package: its folder (relative to the workspace root) and its package.json. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: { readonly name: string; readonly version: string; readonly [field: string]: unknown };
}

export function publicPackages(root: string): WorkspacePackage[];
