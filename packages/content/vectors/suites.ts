/**
 * Vector suites of `@mimi/content`: the draft's 14 examples (byte-exact round trip and message
 * IDs), the stale printed examples (tested as stale), and our own decode vectors
 * (`spec-vectors/generated/content/mimi-content-decode.json`).
 */
import {
  allCases,
  loadVectorFile,
  readUpstreamHex,
  readUpstreamJson,
  readUpstreamText,
  runCases,
  type VectorCase,
  type VectorSuite,
} from "@mimi/spec-vectors";
import { bytesEqual, CodecError, fromHex, toHex } from "@mimi/wire";
import {
  computeMessageId,
  decodeMessageDerivedValues,
  decodeMimiContent,
  encodeMessageDerivedValues,
  encodeMimiContent,
} from "../src/index.js";
import { decodeMessageStatusReport, encodeMessageStatusReport } from "../src/message-status.js";
import { DECODE_VECTORS_FILE, STATUS_VECTORS_FILE } from "./generate.js";

export { generateVectors } from "./generate.js";

/** One example of the draft as listed in `upstream/content/manifest.json`. */
export interface DraftExample {
  readonly name: string;
  readonly cbor_hex_file: string;
  readonly draft_inline_hex_file: string | null;
  readonly draft_inline_vs_cbor: string | null;
  readonly sender_uri: string;
  readonly room_uri: string;
  readonly message_id: string;
  readonly in_reply_to: string | null;
  readonly hub_accepted_timestamp_ms: number | null;
}

/** The draft's examples (14 in -08). */
export function draftExamples(): readonly DraftExample[] {
  return (readUpstreamJson("content/manifest.json") as { vectors: DraftExample[] }).vectors;
}

/** Hex of an annotated dump (cbor.me style): everything after `#` on a line is a comment. */
export function annotatedHex(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/#.*$/, ""))
    .join("")
    .replace(/\s+/g, "")
    .toLowerCase();
}

/** Check one draft example: decode, re-encode byte-exact, message ID recomputes. */
export function checkDraftExample(v: DraftExample): void {
  const bytes = readUpstreamHex(`content/${v.cbor_hex_file}`);
  const again = encodeMimiContent(decodeMimiContent(bytes));
  if (!bytesEqual(again, bytes)) throw new Error(`re-encoded as ${toHex(again)}`);
  const id = toHex(computeMessageId(bytes, v.sender_uri, v.room_uri));
  if (id !== v.message_id) throw new Error(`message ID ${id}, expected ${v.message_id}`);
  const stated = readUpstreamText(`content/${v.name}.msgid.hex`).trim();
  if (stated !== id) throw new Error(`stated message ID ${stated} differs from ${id}`);
}

/** Check one case of a codec vector file: invalid cases give a CodecError with the case's rule, valid ones round-trip. */
function checkCodecCase<T>(t: VectorCase, decode: (b: Uint8Array) => T, encode: (v: T) => Uint8Array): void {
  const bytes = fromHex(String(t["encoded"]));
  if (t.result === "invalid") {
    try {
      decode(bytes);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      if (e.rule !== t["rule"])
        throw new Error(`rejected by ${String(e.rule)} (${e.what}), expected ${String(t["rule"])}`);
      return;
    }
    throw new Error("invalid encoding was accepted");
  }
  if (t.result !== "valid") throw new Error(`unknown result ${String(t.result)}`);
  const again = toHex(encode(decode(bytes)));
  if (again !== t["encoded"]) throw new Error(`re-encoded as ${again}`);
}

/** Check one case of our decode vectors. */
export function checkDecodeCase(t: VectorCase): void {
  checkCodecCase(t, decodeMimiContent, encodeMimiContent);
}

/**
 * The stale printed examples (upstream INDEX.md): the reply and reaction dumps printed in the draft
 * carry the -07 message ID of `original` in `inReplyTo`; `implied-original.hex` carries the same
 * -07 ID as its messageId. Each check passes only while the dump is still stale.
 */
export function staleChecks(): readonly { readonly id: string; readonly check: () => void }[] {
  const draft07 = readUpstreamText("content/original.msgid-draft07-algorithm.hex").trim();
  const current = readUpstreamText("content/original.msgid.hex").trim();
  const inline =
    (name: string): (() => void) =>
    () => {
      const printed = fromHex(annotatedHex(readUpstreamText(`content/${name}.draft-inline.txt`)));
      const c = decodeMimiContent(printed);
      if (c.inReplyTo === null || toHex(c.inReplyTo) !== draft07)
        throw new Error("inline dump no longer carries the -07 ID");
      if (bytesEqual(printed, readUpstreamHex(`content/${name}.hex`)))
        throw new Error("inline dump equals the current example");
    };
  return [
    { id: "reply.draft-inline", check: inline("reply") },
    { id: "reaction.draft-inline", check: inline("reaction") },
    {
      id: "implied-original.hex",
      check: () => {
        const bytes = readUpstreamHex("content/implied-original.hex");
        const v = decodeMessageDerivedValues(bytes);
        if (!bytesEqual(encodeMessageDerivedValues(v), bytes)) throw new Error("does not round-trip");
        if (toHex(v.messageId) !== draft07) throw new Error("messageId is no longer the -07 ID");
        if (toHex(v.messageId) === current) throw new Error("not stale");
      },
    },
  ];
}

/** Check one case of our message-status vectors. */
export function checkStatusCase(t: VectorCase): void {
  checkCodecCase(t, decodeMessageStatusReport, encodeMessageStatusReport);
}

/** The suites `mimi vectors verify` runs for this package. */
export const vectorSuites: readonly VectorSuite[] = [
  {
    name: "content/draft-examples",
    source: "draft-ietf-mimi-content-08 §5, Appendix B (upstream/content)",
    run: () => runCases(draftExamples(), (v) => v.name, checkDraftExample),
  },
  {
    name: "content/stale-examples",
    source: "draft-ietf-mimi-content-08 §5.2, §5.3, A.2 (stale printed dumps)",
    run: () =>
      runCases(
        staleChecks(),
        (c) => c.id,
        (c) => c.check(),
      ),
  },
  {
    name: "content/message-status-example",
    source: "draft-mahy-mimi-message-status-01 §5 (upstream/message-status)",
    run: () =>
      runCases(
        ["message-status/status.hex"],
        (f) => f,
        (f) => {
          const bytes = readUpstreamHex(f);
          if (!bytesEqual(encodeMessageStatusReport(decodeMessageStatusReport(bytes)), bytes))
            throw new Error("does not round-trip");
        },
      ),
  },
  {
    name: "content/message-status-decode",
    source:
      "draft-mahy-mimi-message-status-01 §4 (spec-vectors/generated/content/message-status-decode.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile(STATUS_VECTORS_FILE)),
        ({ test }) => String(test.tcId),
        ({ test }) => checkStatusCase(test),
      ),
  },
  {
    name: "content/decode",
    source:
      "draft-ietf-mimi-content-08 §6, App. A.1 (spec-vectors/generated/content/mimi-content-decode.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile(DECODE_VECTORS_FILE)),
        ({ test }) => String(test.tcId),
        ({ test }) => checkDecodeCase(test),
      ),
  },
];
