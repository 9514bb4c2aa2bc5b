/**
 * The release checks' tools: the public packages of the workspace, a local npm registry
 * (Verdaccio on loopback), child processes with a clean npm environment, and a reader for the
 * tarballs the registry serves (the gates look inside them). Used by `test/consumer.test.ts`.
 */
export { type PublicPackage, publicPackages } from "./packages.js";
export { type LocalRegistry, startRegistry } from "./registry.js";
export { type Ran, run } from "./run.js";
export { tarballFiles, tarballProblems } from "./tarball.js";
