// pnpm hooks of the workspace (decision 0006).
//
// beforePacking turns a workspace manifest into the one that is published (pnpm pack and pnpm
// publish call it; the package.json files on disk are not changed):
// - the `@mimi/source` condition (TypeScript sources, for the workspace's own tools) is removed
//   from `exports` and `imports`, and so are the entries only it served (`./vectors`, `./bench`,
//   `./testing`: test and benchmark code that is not published);
// - devDependencies are dropped (they name private workspace packages), and so are scripts (the
//   build and prepack of the workspace mean nothing in a consumer's node_modules).
const SOURCE_CONDITION = "@mimi/source";

/** `value` without the source condition; undefined when nothing is left. */
function withoutSource(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === SOURCE_CONDITION) continue;
    const kept = withoutSource(inner);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function beforePacking(pkg) {
  for (const field of ["exports", "imports"]) {
    if (pkg[field] === undefined) continue;
    const kept = withoutSource(pkg[field]);
    if (kept === undefined) delete pkg[field];
    else pkg[field] = kept;
  }
  delete pkg.devDependencies;
  delete pkg.scripts;
  return pkg;
}

module.exports = { hooks: { beforePacking } };
