/**
 * Vector suites of `@mimi/protocol`: `spec-vectors/generated/protocol/bodies.json` (every protocol-06
 * body, valid and invalid encodings).
 */
import { allCases, loadVectorFile, runCases, type VectorCase, type VectorSuite } from "@mimi/spec-vectors";
import { CodecError, fromHex, toHex, ValidationError } from "@mimi/wire";
import { decodeStructToJson, encodeStructFromJson } from "../src/structs.js";
import { BODY_VECTORS_FILE } from "./generate.js";

export { generateVectors } from "./generate.js";

function stable(j: unknown): string {
  return JSON.stringify(j);
}

/** Check one case of `spec-vectors/generated/protocol/bodies.json`. */
export function checkProtocolBodyCase(t: VectorCase): void {
  const struct = String(t["struct"]);
  const bytes = fromHex(String(t["encoded"]));
  if (t.result === "invalid") {
    try {
      decodeStructToJson(struct, bytes);
    } catch (e) {
      if (e instanceof CodecError) return;
      // a structure that decodes but breaks a rule the case names (e.g. MLS-EXT-01)
      if (e instanceof ValidationError && e.rule !== undefined && (t.reqs ?? []).includes(e.rule)) return;
      throw e;
    }
    throw new Error("invalid encoding was accepted");
  }
  if (t.result !== "valid") throw new Error(`unexpected result ${String(t.result)}`);
  const json = decodeStructToJson(struct, bytes);
  if (stable(json) !== stable(t["json"])) throw new Error(`decoded to ${stable(json)}`);
  const again = toHex(encodeStructFromJson(struct, t["json"]));
  if (again !== t["encoded"]) throw new Error(`JSON re-encoded as ${again}`);
}

export const vectorSuites: readonly VectorSuite[] = [
  {
    name: "protocol/bodies",
    source: "draft-ietf-mimi-protocol-06 §5 (spec-vectors/generated/protocol/bodies.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile(BODY_VECTORS_FILE)),
        ({ test }) => String(test.tcId),
        ({ test }) => checkProtocolBodyCase(test),
      ),
  },
];
