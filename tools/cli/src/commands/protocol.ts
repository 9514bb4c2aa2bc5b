import { CodecError } from "@mimi/wire";
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

const usage = `usage: mimi protocol decode STRUCT [--hex] [FILE|-]
       mimi protocol encode STRUCT [FILE|-]
       mimi protocol structs
       mimi protocol endpoints

Decodes a draft-ietf-mimi-protocol-06 body (binary, or hex with --hex) and prints it as JSON, or
encodes such JSON back into bytes (printed as hex). Input is FILE, or stdin when FILE is - or absent.
STRUCT is a structure name of protocol-06 §5 (e.g. KeyMaterialRequest, UpdateRequest,
SubmitMessageResponse, GroupInfoResponse, ConsentEntry) or FanoutMessages for a whole /notify body
(an array of FanoutMessage). \`mimi protocol structs\` lists the names. \`mimi protocol endpoints\`
prints the §5 endpoint table: for each endpoint its section, method, path, who serves it, the
request and response structures and the success status.

JSON mapping: fields keep the draft's names; uint8/16/32 are numbers; uint64 are decimal strings;
opaque bytes are lowercase hex; UTF-8 strings (IdentifierUri.uri, string, searchValue, note) are
strings; enums are their names (unassigned code points are numbers); an absent optional<T> is
null; vectors are arrays; a select's arm fields sit next to the field it selects on; RFC 9420
structures inside a body (KeyPackage, MLSMessage, Welcome, GroupInfo, Credential, Capabilities,
RequiredCapabilities, ExternalSender, HPKECiphertext, ratchet_tree, Extension) are the hex of their
TLS encoding.`;

export const protocolCommand: Command = {
  name: "protocol",
  summary: "decode or encode draft-ietf-mimi-protocol-06 bodies (JSON <-> bytes); list the §5 endpoints",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, { hex: { type: "boolean" } });
    const [action, struct, file, ...extra] = positionals;
    const protocol = await import("@mimi/protocol");
    if (action === "endpoints" && struct === undefined) {
      printJson(
        io,
        protocol.directoryNames.map((name) => {
          const e = protocol.endpoints[name];
          return {
            name,
            section: e.section,
            method: e.method,
            path: protocol.endpointTemplate(protocol.API_PREFIX, name),
            servedBy: e.servedBy,
            request: e.request?.struct ?? null,
            status: e.status,
            response: e.response?.struct ?? null,
            clientApi: e.clientApi,
          };
        }),
      );
      return EXIT.ok;
    }
    if (action === "structs" && struct === undefined) {
      printJson(io, protocol.structNames);
      return EXIT.ok;
    }
    if (action !== "decode" && action !== "encode")
      throw new UsageError("expected: protocol decode|encode STRUCT");
    if (struct === undefined) throw new UsageError("missing STRUCT");
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (!protocol.structNames.includes(struct))
      throw new UsageError(`unknown structure ${struct} (see: mimi protocol structs)`);
    if (action === "decode") {
      const bytes = await readInput(io, file, values["hex"] === true);
      printJson(io, protocol.decodeStructToJson(struct, bytes));
      return EXIT.ok;
    }
    if (values["hex"] === true) throw new UsageError("--hex applies to decode only");
    const text = await readTextInput(io, file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new CodecError(`input is not JSON (${(e as Error).message})`);
    }
    const { toHex } = await import("@mimi/wire");
    io.stdout(`${toHex(protocol.encodeStructFromJson(struct, json))}\n`);
    return EXIT.ok;
  },
};
