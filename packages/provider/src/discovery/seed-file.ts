/** Reading a directory seed from the file a provider configuration names (Node only). */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { type DirectorySeed, parseDirectorySeed } from "@mimi/discovery";
import { ValidationError } from "@mimi/wire";

/**
 * Reads the directory seed named by a provider configuration's `discovery` key (a file name,
 * relative to the configuration file's folder `baseDir`).
 * @throws ValidationError `DISC-CONF-02` when the value is not a file name, the file cannot be
 * read or is not JSON, or the seed is malformed.
 */
export function readDirectorySeedFile(value: unknown, baseDir: string): DirectorySeed {
  if (typeof value !== "string" || value.length === 0)
    throw new ValidationError("discovery must name a directory seed file", {
      path: "/discovery",
      rule: "DISC-CONF-02",
    });
  const file = isAbsolute(value) ? value : resolve(baseDir, value);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ValidationError(`cannot read the directory seed ${value}: ${(e as Error).message}`, {
      path: "/discovery",
      rule: "DISC-CONF-02",
    });
  }
  return parseDirectorySeed(json);
}
