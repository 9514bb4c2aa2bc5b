/**
 * Writes `spec-vectors/mls-profile/components.json` from {@link generateComponentsVectors}.
 * Run: `pnpm exec tsx --conditions=@mimi/source packages/mls-profile/vectors/generate-components.ts`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { vectorsRoot } from "@mimi/spec-vectors";
import { componentsVectorPath, generateComponentsVectors } from "./components.js";

writeFileSync(
  join(vectorsRoot, componentsVectorPath),
  `${JSON.stringify(generateComponentsVectors(), null, 2)}\n`,
);
