/**
 * The JSON Schema validator `mimi vectors verify` gives the spec-vectors schema suite: ajv's
 * draft 2020-12 build (the schemas' dialect), every schema of `schema/` added so that their `$ref`s
 * between one another resolve.
 */
import type { SchemaValidatorFactory } from "@mimi/spec-vectors";
import Ajv2020 from "ajv/dist/2020.js";

/** At most this many errors are reported for one file. */
const MAX_ERRORS = 5;

export const ajvValidator: SchemaValidatorFactory = (schemas) => {
  // strictTypes off: the schemas use `properties` in `if` without repeating `type`.
  const ajv = new Ajv2020.default({ allErrors: true, strictTypes: false });
  for (const schema of schemas) ajv.addSchema(schema as object);
  return (id, value) => {
    const validate = ajv.getSchema(id);
    if (validate === undefined) return [`no schema with $id ${id}`];
    if (validate(value)) return [];
    const lines = (validate.errors ?? []).map((e) => {
      const params = Object.entries(e.params as Record<string, unknown>)
        .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
        .join(", ");
      return `${e.instancePath === "" ? "/" : e.instancePath} ${e.message ?? e.keyword}${params === "" ? "" : ` (${params})`}`;
    });
    const unique = [...new Set(lines)];
    return unique.length > MAX_ERRORS
      ? [...unique.slice(0, MAX_ERRORS), `and ${unique.length - MAX_ERRORS} more`]
      : unique;
  };
};
