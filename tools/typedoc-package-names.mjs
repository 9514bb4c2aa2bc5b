// A TypeDoc plugin (loaded by typedoc.config.mjs): names each module of the API reference after
// the package whose entry point it is (`@mimi/wire`, …) instead of its folder (`packages/wire/src`).
// TypeDoc's "packages" strategy would do this too, but builds one TypeScript program per package
// (over a minute for the workspace); one program for all packages takes a quarter of that.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Converter, ReflectionKind } from "typedoc";

/** The `name` of the nearest package.json above `file`. */
function packageNameOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
  }
  throw new Error(`no package.json above ${file}`);
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (_context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = reflection.sources?.[0]?.fullFileName;
    if (file === undefined) throw new Error(`module ${reflection.name} has no source file`);
    const entry = packageNameOf(file);
    const sub = reflection.name.match(/(?:^|\/)src\/(.+)$/)?.[1];
    reflection.name = sub === undefined ? entry : `${entry}/${sub}`;
  });
}
