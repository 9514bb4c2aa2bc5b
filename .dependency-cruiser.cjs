// The layer check (`pnpm layers`, part of `npm test`): the arrows of docs/architecture.md.
//
// A package may import the packages listed for it in `layers` below and nothing else of ours;
// nothing under packages/ imports tools/; no package cycles, and no module cycles. Tests, benches
// and vector suites of a package follow the same arrows, plus the dev-only packages (testkit, the
// vector files).

/** Each package and the packages of ours it may import (its own files are always allowed). */
const layers = {
  "spec-vectors": [],
  testkit: [],
  wire: [],
  identifiers: ["wire"],
  content: ["wire"],
  "mls-profile": ["wire"],
  identity: ["wire", "identifiers", "mls-profile"],
  "room-policy": ["wire", "identifiers", "mls-profile"],
  ohttp: ["wire"],
  protocol: ["wire", "identifiers", "content", "mls-profile", "identity", "room-policy"],
  client: ["wire", "identifiers", "content", "mls-profile", "identity", "room-policy", "protocol", "ohttp"],
  discovery: ["wire", "identifiers", "content", "mls-profile", "identity", "room-policy", "protocol"],
  provider: [
    "wire",
    "identifiers",
    "content",
    "mls-profile",
    "identity",
    "room-policy",
    "protocol",
    "ohttp",
    "discovery",
  ],
};

/** Packages every package's tests, benches and vector suites may use besides its layer. */
const devOnly = ["testkit", "spec-vectors"];

const pkgPath = (name) => (name === "spec-vectors" ? "^spec-vectors/" : `^packages/${name}/`);
const any = (names) => (names.length === 0 ? "^$" : `(${names.map(pkgPath).join("|")})`);
const all = Object.keys(layers);

const forbidden = [
  {
    name: "no-tools-from-packages",
    comment: "Nothing under packages/ (or spec-vectors/) imports anything under tools/.",
    severity: "error",
    from: { path: "^(packages|spec-vectors)/" },
    to: { path: "^tools/" },
  },
  {
    name: "ts-mls-through-mls-profile",
    comment:
      "Only @mimi/mls-profile imports ts-mls (the patched build, @mimi/ts-mls); the others use its adapter's exports.",
    severity: "error",
    from: { path: "^(packages|tools|spec-vectors)/", pathNot: "^packages/(mls-profile|ts-mls)/" },
    to: { path: "(^|/)node_modules/(@mimi/)?ts-mls/|^packages/ts-mls/" },
  },
  {
    name: "no-circular",
    comment: "No module cycles (a cycle through a type-only import is erased at runtime, and allowed).",
    severity: "error",
    from: {},
    to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
  },
  {
    name: "no-unresolvable",
    comment: "Every import resolves.",
    severity: "error",
    from: {},
    to: { couldNotResolve: true },
  },
];
for (const name of all) {
  const own = [name, ...layers[name]];
  forbidden.push({
    name: `layer-${name}`,
    comment: `${name}'s sources import only: ${layers[name].join(", ") || "nothing of ours"}.`,
    severity: "error",
    from: { path: `${pkgPath(name)}src/` },
    to: { path: any(all), pathNot: any(own) },
  });
  forbidden.push({
    name: `layer-${name}-dev`,
    comment: `${name}'s tests, benches and vector suites import only its layer and ${devOnly.join(", ")}.`,
    severity: "error",
    from: { path: `${pkgPath(name)}(test|bench|vectors)/` },
    to: { path: any(all), pathNot: any([...new Set([...own, ...devOnly])]) },
  });
}

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(packages/[^/]+/dist|tools/[^/]+/dist|test-results)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      conditionNames: ["@mimi/source", "import", "types", "default"],
      exportsFields: ["exports"],
      extensions: [".ts", ".js", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
