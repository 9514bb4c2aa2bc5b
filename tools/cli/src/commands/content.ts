/**
 * `mimi content`: decode, encode and identify MIMI content (draft-ietf-mimi-content-08).
 */
import { toHex } from "@mimi/wire";
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

const usage = `usage: mimi content <decode|encode|id> [options] [FILE|-]

  decode [--hex] [--sender URI --room URI] [FILE|-]
      Decode application/mimi-content (binary, or hex with --hex) strictly and print it as JSON
      (the form of @mimi/content's json.ts: bytes as hex). With --sender and --room the output is
      { "messageId": "<hex>", "content": {…} }, otherwise the content object alone.
  encode [FILE|-]
      Read that JSON (the content object, or { "content": … }) and print the deterministic CBOR as hex.
  id --sender URI --room URI [--hex] [FILE|-]
      Print { "messageId": "<hex>" } (draft-ietf-mimi-content-08 §3.3).

Invalid input: exit 1 with "error: <ErrorName>: <what> [rule] at <path>" on stderr.`;

export const contentCommand: Command = {
  name: "content",
  summary: "decode, encode and compute message IDs of MIMI content",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const [sub, ...rest] = args;
    const { values, positionals } = parseOptions(rest, {
      hex: { type: "boolean" },
      sender: { type: "string" },
      room: { type: "string" },
    });
    if (positionals.length > 1) throw new UsageError("at most one input file");
    const file = positionals[0];
    const sender = values["sender"] as string | undefined;
    const room = values["room"] as string | undefined;
    if ((sender === undefined) !== (room === undefined))
      throw new UsageError("--sender and --room go together");
    const content = await import("@mimi/content");
    switch (sub) {
      case "decode": {
        const bytes = await readInput(io, file, values["hex"] === true);
        const json = content.mimiContentToJson(content.decodeMimiContent(bytes));
        if (sender !== undefined && room !== undefined) {
          printJson(io, { messageId: toHex(content.computeMessageId(bytes, sender, room)), content: json });
        } else {
          printJson(io, json);
        }
        return EXIT.ok;
      }
      case "encode": {
        if (values["hex"] !== undefined || sender !== undefined)
          throw new UsageError("encode takes no options");
        const text = await readTextInput(io, file);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          const { CodecError } = await import("@mimi/wire");
          throw new CodecError(`not JSON (${(e as Error).message})`, { path: "/" });
        }
        const inner =
          typeof parsed === "object" && parsed !== null && "content" in parsed
            ? (parsed as { content: unknown }).content
            : parsed;
        io.stdout(`${toHex(content.encodeMimiContent(content.mimiContentFromJson(inner)))}\n`);
        return EXIT.ok;
      }
      case "id": {
        if (sender === undefined || room === undefined) throw new UsageError("id needs --sender and --room");
        const bytes = await readInput(io, file, values["hex"] === true);
        printJson(io, { messageId: toHex(content.computeMessageId(bytes, sender, room)) });
        return EXIT.ok;
      }
      default:
        throw new UsageError(
          sub === undefined ? "expected decode, encode or id" : `unknown subcommand ${sub}`,
        );
    }
  },
};
