import { publicPackages as workspacePublicPackages } from "../../public-packages.mjs";

/** A workspace package that is published (its package.json is not `private`). */
export interface PublicPackage {
  /** Its folder, relative to the workspace root. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
}

/** The public packages of the workspace at `root`, in folder order (`tools/public-packages.mjs`). */
export function publicPackages(root: string): PublicPackage[] {
  return workspacePublicPackages(root).map(({ dir, manifest }) => ({
    dir,
    name: manifest.name,
    version: manifest.version,
  }));
}
