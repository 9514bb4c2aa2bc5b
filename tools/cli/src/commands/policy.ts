/**
 * `mimi policy`: authorize a change against a room state, and decode/encode the room-policy
 * structures (draft-ietf-mimi-room-policy-03).
 */
import { readFileSync } from "node:fs";
import { CodecError, toHex } from "@mimi/wire";
import {
  type Command,
  EXIT,
  type Io,
  parseOptions,
  printJson,
  readInput,
  readTextInput,
  UsageError,
} from "../command.js";

const usage = `usage: mimi policy <check|decode|encode> ...

  check STATE.json CHANGE.json
      Authorize a proposed change against a room state (draft-ietf-mimi-room-policy-03 §3–§5, §8).
      Prints the verdict as JSON: {"allowed":true,"rules":[…]} and exits 0, or
      {"allowed":false,"rule":"POLICY-…","reason":"…","path":"/…"} and exits 1.
      The JSON shapes are described in packages/room-policy/README.md.
  decode STRUCT [--hex] [FILE|-]
      Decode a room-policy structure (binary, or hex with --hex) and print its JSON form.
  encode STRUCT [FILE|-]
      Read a structure's JSON form and print its TLS encoding as hex.

STRUCT is one of the appendix's structures, e.g. RoleData, PreAuthData, BaseRoomPolicy,
OperationalParameters (\`mimi policy decode --list\` prints them all).

Invalid input: exit 1 with "error: <ErrorName>: <what> [rule] at <path>" on stderr.`;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CodecError(`${what} is not JSON (${(e as Error).message})`, { path: "/" });
  }
}

export const policyCommand: Command = {
  name: "policy",
  summary: "authorize room changes; decode and encode room-policy structures",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const [sub, ...rest] = args;
    const { values, positionals } = parseOptions(rest, {
      hex: { type: "boolean" },
      list: { type: "boolean" },
    });
    const policy = await import("@mimi/room-policy");
    switch (sub) {
      case "check": {
        if (values["hex"] !== undefined || values["list"] !== undefined)
          throw new UsageError("check takes no options");
        const [stateFile, changeFile, ...extra] = positionals;
        if (stateFile === undefined || changeFile === undefined || extra.length > 0) {
          throw new UsageError("check needs STATE.json and CHANGE.json");
        }
        const read = (f: string): string => (f === "-" ? "" : readFileSync(f, "utf8"));
        const stateText = stateFile === "-" ? await readTextInput(io, "-") : read(stateFile);
        const changeText = changeFile === "-" ? await readTextInput(io, "-") : read(changeFile);
        const state = policy.roomStateFromJson(parseJson(stateText, "STATE"));
        policy.assertValidRoomState(state);
        const change = policy.proposedChangeFromJson(parseJson(changeText, "CHANGE"));
        const verdict = policy.authorize(state, change);
        printJson(io, policy.verdictToJson(verdict));
        return verdict.allowed ? EXIT.ok : EXIT.failed;
      }
      case "decode":
      case "encode": {
        if (values["list"] === true) {
          printJson(io, policy.structureNames);
          return EXIT.ok;
        }
        const [name, file, ...extra] = positionals;
        if (name === undefined || extra.length > 0)
          throw new UsageError(`${sub} needs STRUCT and at most one input file`);
        if (!policy.structureNames.includes(name)) {
          throw new UsageError(
            `unknown structure ${JSON.stringify(name)}; one of ${policy.structureNames.join(", ")}`,
          );
        }
        if (sub === "decode") {
          printJson(
            io,
            policy.decodeStructureToJson(name, await readInput(io, file, values["hex"] === true)),
          );
        } else {
          if (values["hex"] !== undefined) throw new UsageError("encode takes no --hex");
          const json = parseJson(await readTextInput(io, file), name);
          io.stdout(`${toHex(policy.encodeStructureFromJson(name, json))}\n`);
        }
        return EXIT.ok;
      }
      default:
        throw new UsageError(
          sub === undefined ? "expected check, decode or encode" : `unknown subcommand ${sub}`,
        );
    }
  },
};
