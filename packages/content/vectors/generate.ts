/**
 * Generator of `spec-vectors/generated/content/mimi-content-decode.json` and
 * `message-status-decode.json`: hand-chosen valid and invalid encodings of MIMI content, each built
 * from small CBOR fragments so that every case breaks exactly one rule. `pnpm mimi vectors generate`
 * rewrites the files (through {@link generateVectors}); `--check` fails when they are stale.
 */
import { toHex } from "@mimi/wire";

/** Where the generated file lives, relative to the spec-vectors folder. */
export const DECODE_VECTORS_FILE = "generated/content/mimi-content-decode.json";

const SALT = "50000102030405060708090a0b0c0d0e0f";
const ID32 = `5820${"01".padEnd(64, "a")}`;
const TEXT_PART = "850160016a746578742f706c61696e4168"; // [1, "", 1, "text/plain", h'68']

interface Parts {
  head?: string;
  salt?: string;
  replaces?: string;
  topicId?: string;
  expires?: string;
  inReplyTo?: string;
  ext?: string;
  part?: string;
  tail?: string;
}

/** A mimiContent built from hex fragments (defaults: a minimal valid message). */
function msg(p: Parts = {}): string {
  return (
    (p.head ?? "87") +
    (p.salt ?? SALT) +
    (p.replaces ?? "f6") +
    (p.topicId ?? "40") +
    (p.expires ?? "f6") +
    (p.inReplyTo ?? "f6") +
    (p.ext ?? "a0") +
    (p.part ?? TEXT_PART) +
    (p.tail ?? "")
  );
}

/** Extensions map with one entry `key => value`. */
const ext1 = (key: string, value: string): string => msg({ ext: `a1${key}${value}` });

/** A text string head + UTF-8 of `s` (short strings only). */
function tstr(s: string): string {
  const b = new TextEncoder().encode(s);
  const head =
    b.length < 24
      ? (0x60 + b.length).toString(16)
      : b.length < 256
        ? `78${b.length.toString(16).padStart(2, "0")}`
        : `79${b.length.toString(16).padStart(4, "0")}`;
  return head + toHex(b);
}

/** A 15-element ExternalPart with overrides of the integer fields. */
function external(
  f: { expires?: string; size?: string; encAlg?: string; hashAlg?: string; url?: string } = {},
): string {
  return `8f0660026960${f.url ?? "60"}${f.expires ?? "00"}${f.size ?? "00"}${f.encAlg ?? "00"}404040${f.hashAlg ?? "00"}406060`.replace(
    "8f0660026960",
    "8f066002" + tstr("video/mp4"),
  );
}

/** A MultiPart of `n` text parts (or the given parts). */
function multi(parts: readonly string[], semantics = "02"): string {
  const n = parts.length;
  return `85016003${semantics}${(0x80 + n).toString(16)}${parts.join("")}`;
}

/** NestedPart nested `depth` levels deep (depth 1 = a text part). */
function nested(depth: number): string {
  return depth <= 1 ? TEXT_PART : multi([nested(depth - 1), TEXT_PART]);
}

interface Case {
  readonly comment: string;
  readonly encoded: string;
  readonly result: "valid" | "invalid";
  readonly flags: readonly string[];
  readonly rule?: string;
}

const V = (comment: string, encoded: string, flags: string[] = []): Case => ({
  comment,
  encoded,
  result: "valid",
  flags,
});
const X = (rule: string, comment: string, encoded: string, flags: string[]): Case => ({
  comment,
  encoded,
  result: "invalid",
  flags,
  rule,
});

const valid: Case[] = [
  V("minimal message", msg()),
  V(
    "unknown integer and text extension keys are kept",
    msg({ ext: `a3${"01"}${tstr("mimi://a.example/u/alice")}${"1864"}f5${tstr("x-ext")}${"80"}` }),
  ),
  V("negative extension key", ext1("20", "00")),
  V("extension key 2^53-1", ext1("1b001fffffffffffff", "00")),
  V("extension key -(2^53-1)", ext1("3b001ffffffffffffe", "00")),
  V("text extension key of 255 octets", ext1(tstr("k".repeat(255)), "00")),
  V(
    "the §6.3 depth example (4 levels)",
    msg({
      ext: `a201${tstr("mimi://a.example/u/alice")}19010082824212 34d820${tstr("http://example.com")}8242345619168b`.replaceAll(
        " ",
        "",
      ),
    }),
  ),
  V("half-width quiet NaN f97e00", ext1("18ff", "f97e00"), ["Float"]),
  V("half float 1.5", ext1("18ff", "f93e00"), ["Float"]),
  V("integral float 1.0 stays a float", ext1("18ff", "f93c00"), ["Float"]),
  V("infinity as half float", ext1("18ff", "f97c00"), ["Float"]),
  V("single float 0.1f", ext1("18ff", "fa3dcccccd"), ["Float"]),
  V("double float 0.1", ext1("18ff", "fb3fb999999999999a"), ["Float"]),
  V("tag 32 inside an extension", ext1("18ff", `d820${tstr("https://a.example/")}`)),
  V("64-bit unsigned integer in an extension", ext1("18ff", "1bffffffffffffffff")),
  V("most negative 64-bit integer in an extension", ext1("18ff", "3bffffffffffffffff")),
  V("nested map with int, bstr and text keys sorted", ext1("18ff", "a30102410103616104")),
  V(
    "text beginning with a byte order mark",
    msg({ part: `8501${tstr("\uFEFFen")}016a746578742f706c61696e4168` }),
  ),
  V("unknown disposition 200 is kept", msg({ part: "8518c86001" + "6a746578742f706c61696e4168" })),
  V("NullPart (delete)", msg({ replaces: ID32, part: "830060" + "00" })),
  V("ExternalPart with size 2^64-1", msg({ part: external({ size: "1bffffffffffffffff" }) })),
  V(
    "ExternalPart with expires 2^32-1, encAlg 65535, hashAlg 255",
    msg({ part: external({ expires: "1affffffff", encAlg: "19ffff", hashAlg: "18ff" }) }),
  ),
  V("NestedParts nested 4 levels", msg({ part: nested(4) })),
  V("absolute and relative expiration", msg({ expires: "82f51affffffff" })),
  V("replaces, topicId and inReplyTo set", msg({ replaces: ID32, topicId: "43666f6f", inReplyTo: ID32 })),
];

const invalid: Case[] = [
  // CONTENT-CBOR-01: one well-formed item
  X("CONTENT-CBOR-01", "trailing byte", msg({ tail: "00" }), ["Trailing"]),
  X("CONTENT-CBOR-01", "second data item", msg({ tail: "f6" }), ["Trailing"]),
  X("CONTENT-CBOR-01", "truncated by one byte", msg().slice(0, -2), ["Truncated"]),
  X("CONTENT-CBOR-01", "truncated inside the salt", msg().slice(0, 12), ["Truncated"]),
  X("CONTENT-CBOR-01", "truncated after the array head", "87", ["Truncated"]),
  X("CONTENT-CBOR-01", "empty input", "", ["Truncated"]),
  X("CONTENT-CBOR-01", "reserved additional information 28", ext1("18ff", "1c"), ["Malformed"]),
  // CONTENT-CBOR-02: definite lengths only
  X("CONTENT-CBOR-02", "indefinite-length top-level array", `9f${msg().slice(2)}ff`, ["Indefinite"]),
  X("CONTENT-CBOR-02", "indefinite-length salt", msg({ salt: `5f${SALT}ff` }), ["Indefinite"]),
  X("CONTENT-CBOR-02", "indefinite-length extensions map", msg({ ext: "bfff" }), ["Indefinite"]),
  X(
    "CONTENT-CBOR-02",
    "indefinite-length language",
    msg({ part: "85017f60ff016a746578742f706c61696e4168" }),
    ["Indefinite"],
  ),
  X("CONTENT-CBOR-02", "break byte as an extension value", ext1("18ff", "ff"), ["Indefinite"]),
  X("CONTENT-CBOR-02", "indefinite-length array in an extension", ext1("18ff", "9f01ff"), ["Indefinite"]),
  // CONTENT-CBOR-03: shortest heads
  X("CONTENT-CBOR-03", "array(7) head in two bytes", msg({ head: "9807" }), ["NonShortest"]),
  X("CONTENT-CBOR-03", "salt length in two bytes", msg({ salt: `5810${SALT.slice(2)}` }), ["NonShortest"]),
  X("CONTENT-CBOR-03", "disposition 1 as 18 01", msg({ part: "851801600" + "16a746578742f706c61696e4168" }), [
    "NonShortest",
  ]),
  X(
    "CONTENT-CBOR-03",
    "disposition 1 as 19 0001",
    msg({ part: "85190001600" + "16a746578742f706c61696e4168" }),
    ["NonShortest"],
  ),
  X("CONTENT-CBOR-03", "empty map as b8 00", msg({ ext: "b800" }), ["NonShortest"]),
  X("CONTENT-CBOR-03", "empty language as 78 00", msg({ part: "85017800016a746578742f706c61696e4168" }), [
    "NonShortest",
  ]),
  X("CONTENT-CBOR-03", "negative key -1 as 38 00", ext1("3800", "00"), ["NonShortest"]),
  X("CONTENT-CBOR-03", "tag 1 as d8 01", ext1("18ff", "d80100"), ["NonShortest"]),
  X("CONTENT-CBOR-03", "64-bit head for a 32-bit value", ext1("18ff", "1b00000000ffffffff"), ["NonShortest"]),
  // CONTENT-CBOR-04: shortest floats
  X("CONTENT-CBOR-04", "1.5 as single float", ext1("18ff", "fa3fc00000"), ["Float", "NonShortest"]),
  X("CONTENT-CBOR-04", "1.5 as double float", ext1("18ff", "fb3ff8000000000000"), ["Float", "NonShortest"]),
  X("CONTENT-CBOR-04", "0.1f as double float", ext1("18ff", "fb3fb99999a0000000"), ["Float", "NonShortest"]),
  X("CONTENT-CBOR-04", "infinity as single float", ext1("18ff", "fa7f800000"), ["Float", "NonShortest"]),
  X("CONTENT-CBOR-04", "-0.0 as double float", ext1("18ff", "fb8000000000000000"), ["Float", "NonShortest"]),
  // CONTENT-CBOR-05: key order
  X("CONTENT-CBOR-05", "extension keys 2 before 1", msg({ ext: `a202${tstr("r")}01${tstr("s")}` }), [
    "KeyOrder",
  ]),
  X(
    "CONTENT-CBOR-05",
    "text key before integer key",
    msg({ ext: `a2${tstr("a")}0003 00`.replace(" ", "") }),
    ["KeyOrder"],
  ),
  X("CONTENT-CBOR-05", "longer text key before shorter", msg({ ext: `a2${tstr("aa")}00${tstr("b")}00` }), [
    "KeyOrder",
  ]),
  X("CONTENT-CBOR-05", "negative key before positive key", msg({ ext: "a2200003" + "00" }), ["KeyOrder"]),
  X("CONTENT-CBOR-05", "unsorted keys in a nested map", ext1("18ff", "a20201 0101".replace(" ", "")), [
    "KeyOrder",
  ]),
  // CONTENT-EXT-01 / CONTENT-CBOR-06: duplicates
  X("CONTENT-EXT-01", "duplicate extension key 1", msg({ ext: `a201${tstr("a")}01${tstr("a")}` }), [
    "DuplicateKey",
  ]),
  X("CONTENT-EXT-01", "duplicate text extension key", msg({ ext: `a2${tstr("k")}00${tstr("k")}01` }), [
    "DuplicateKey",
  ]),
  X("CONTENT-CBOR-06", "duplicate key in a nested map", ext1("18ff", "a201000101"), ["DuplicateKey"]),
  // CONTENT-CBOR-07: tags where the CDDL has none
  X("CONTENT-CBOR-07", "self-described CBOR tag around the message", `d9d9f7${msg()}`, ["Tag"]),
  X("CONTENT-CBOR-07", "tag on the salt", msg({ salt: `d818${SALT}` }), ["Tag"]),
  X("CONTENT-CBOR-07", "tag on topicId", msg({ topicId: "d81840" }), ["Tag"]),
  X("CONTENT-CBOR-07", "tag on the NestedPart", msg({ part: `d818${TEXT_PART}` }), ["Tag"]),
  X("CONTENT-CBOR-07", "tag on the disposition", msg({ part: "85c101600" + "16a746578742f706c61696e4168" }), [
    "Tag",
  ]),
  // CONTENT-CBOR-08: undefined and simple values
  X("CONTENT-CBOR-08", "undefined as replaces", msg({ replaces: "f7" }), ["Undefined"]),
  X("CONTENT-CBOR-08", "undefined as an extension value", ext1("18ff", "f7"), ["Undefined"]),
  X("CONTENT-CBOR-08", "simple value 0 in an extension", ext1("18ff", "e0"), ["Simple"]),
  X("CONTENT-CBOR-08", "simple value 32 in an extension", ext1("18ff", "f820"), ["Simple"]),
  // CONTENT-CBOR-09: UTF-8
  X("CONTENT-CBOR-09", "invalid UTF-8 in language", msg({ part: "850162c328016a746578742f706c61696e4168" }), [
    "Utf8",
  ]),
  X("CONTENT-CBOR-09", "overlong encoding in contentType", msg({ part: "8501600162c0af4168" }), ["Utf8"]),
  X("CONTENT-CBOR-09", "UTF-16 surrogate in an extension text", ext1("18ff", "63eda080"), ["Utf8"]),
  X("CONTENT-CBOR-09", "invalid UTF-8 in a text extension key", msg({ ext: "a161ff00" }), ["Utf8"]),
  X("CONTENT-CBOR-09", "invalid UTF-8 in senderUri", msg({ ext: "a10161ff" }), ["Utf8"]),
  // CONTENT-CBOR-10: NaN
  X("CONTENT-CBOR-10", "half NaN with payload", ext1("18ff", "f97e01"), ["Float", "NaN"]),
  X("CONTENT-CBOR-10", "signalling half NaN", ext1("18ff", "f97c01"), ["Float", "NaN"]),
  X("CONTENT-CBOR-10", "single-precision NaN", ext1("18ff", "fa7fc00000"), ["Float", "NaN"]),
  X("CONTENT-CBOR-10", "double-precision NaN", ext1("18ff", "fb7ff8000000000000"), ["Float", "NaN"]),
  // CONTENT-MSG-*
  X("CONTENT-MSG-01", "mimiContent with 6 elements", msg({ head: "86", part: "" }), ["Arity"]),
  X("CONTENT-MSG-01", "mimiContent with 8 elements", msg({ head: "88", tail: "f6" }), ["Arity"]),
  X("CONTENT-MSG-01", "top-level map", "a0", ["Type"]),
  X("CONTENT-MSG-01", "extensions as an array", msg({ ext: "80" }), ["Type"]),
  X("CONTENT-MSG-02", "salt of 15 octets", msg({ salt: `4f${SALT.slice(4)}` }), ["Size"]),
  X("CONTENT-MSG-02", "salt of 17 octets", msg({ salt: `51${SALT.slice(2)}ff` }), ["Size"]),
  X("CONTENT-MSG-02", "salt as text", msg({ salt: tstr("0123456789abcdef") }), ["Type"]),
  X("CONTENT-MSG-02", "salt null", msg({ salt: "f6" }), ["Type"]),
  X("CONTENT-MSG-03", "replaces of 31 octets", msg({ replaces: `581f${"aa".repeat(31)}` }), ["Size"]),
  X("CONTENT-MSG-03", "inReplyTo of 33 octets", msg({ inReplyTo: `5821${"aa".repeat(33)}` }), ["Size"]),
  X("CONTENT-MSG-03", "empty replaces", msg({ replaces: "40" }), ["Size"]),
  X("CONTENT-MSG-03", "inReplyTo as text", msg({ inReplyTo: tstr("id") }), ["Type"]),
  X("CONTENT-MSG-04", "topicId as text", msg({ topicId: tstr("Foo") }), ["Type"]),
  X("CONTENT-MSG-04", "topicId null", msg({ topicId: "f6" }), ["Type"]),
  // CONTENT-EXP-01
  X("CONTENT-EXP-01", "Expiration with one element", msg({ expires: "81f5" }), ["Arity"]),
  X("CONTENT-EXP-01", "Expiration with three elements", msg({ expires: "83f50000" }), ["Arity"]),
  X("CONTENT-EXP-01", "relative as an integer", msg({ expires: "820100" }), ["Type"]),
  X("CONTENT-EXP-01", "time 2^32", msg({ expires: "82f41b0000000100000000" }), ["Size"]),
  X("CONTENT-EXP-01", "negative time", msg({ expires: "82f420" }), ["Type"]),
  X("CONTENT-EXP-01", "expires as a boolean", msg({ expires: "f5" }), ["Type"]),
  // CONTENT-PART-01 / -08
  X("CONTENT-PART-01", "NestedPart with 2 elements", msg({ part: "820160" }), ["Arity"]),
  X("CONTENT-PART-01", "SinglePart with 4 elements", msg({ part: "840160016a746578742f706c61696e" }), [
    "Arity",
  ]),
  X("CONTENT-PART-01", "NullPart with 5 elements", msg({ part: "8501600040" + "40" }), ["Arity"]),
  X("CONTENT-PART-01", "ExternalPart with 14 elements", msg({ part: `8e${external().slice(2, -2)}` }), [
    "Arity",
  ]),
  X(
    "CONTENT-PART-01",
    "MultiPart with 6 elements",
    msg({ part: `86${multi([TEXT_PART, TEXT_PART]).slice(2)}f6` }),
    ["Arity"],
  ),
  X("CONTENT-PART-01", "NestedPart as a text string", msg({ part: tstr("hi") }), ["Type"]),
  X("CONTENT-PART-08", "cardinality 4", msg({ part: "830160" + "04" }), ["Range"]),
  X("CONTENT-PART-08", "cardinality -1", msg({ part: "830160" + "20" }), ["Range"]),
  // CONTENT-PART-02
  X("CONTENT-PART-02", "disposition 256", msg({ part: "8519010060016a746578742f706c61696e4168" }), ["Range"]),
  X("CONTENT-PART-02", "negative disposition", msg({ part: "852060016a746578742f706c61696e4168" }), [
    "Range",
  ]),
  X(
    "CONTENT-PART-02",
    "disposition as text",
    msg({ part: `85${tstr("render")}60016a746578742f706c61696e4168` }),
    ["Type"],
  ),
  // CONTENT-PART-03
  X("CONTENT-PART-03", "language as bytes", msg({ part: "850140016a746578742f706c61696e4168" }), ["Type"]),
  X("CONTENT-PART-03", "contentType as bytes", msg({ part: "85016001" + "4a746578742f706c61696e4168" }), [
    "Type",
  ]),
  X("CONTENT-PART-03", "content as text", msg({ part: "850160016a746578742f706c61696e6168" }), ["Type"]),
  X("CONTENT-PART-03", "ExternalPart url as bytes", msg({ part: external({ url: "40" }) }), ["Type"]),
  // CONTENT-PART-04
  X(
    "CONTENT-PART-04",
    "ExternalPart expires 2^32",
    msg({ part: external({ expires: "1b0000000100000000" }) }),
    ["Size"],
  ),
  X("CONTENT-PART-04", "ExternalPart encAlg 65536", msg({ part: external({ encAlg: "1a00010000" }) }), [
    "Size",
  ]),
  X("CONTENT-PART-04", "ExternalPart hashAlg 256", msg({ part: external({ hashAlg: "190100" }) }), ["Size"]),
  X("CONTENT-PART-04", "ExternalPart negative size", msg({ part: external({ size: "20" }) }), ["Type"]),
  // CONTENT-PART-05 / -06 / -07
  X("CONTENT-PART-05", "MultiPart with one part", msg({ part: multi([TEXT_PART]) }), ["Arity"]),
  X("CONTENT-PART-05", "MultiPart with no parts", msg({ part: multi([]) }), ["Arity"]),
  X("CONTENT-PART-05", "MultiPart parts as a map", msg({ part: "8501600302a0" }), ["Type"]),
  X("CONTENT-PART-06", "partSemantics 3", msg({ part: multi([TEXT_PART, TEXT_PART], "03") }), ["Range"]),
  X("CONTENT-PART-06", "partSemantics 255", msg({ part: multi([TEXT_PART, TEXT_PART], "18ff") }), ["Range"]),
  X("CONTENT-PART-07", "NestedParts nested 5 levels", msg({ part: nested(5) }), ["Depth"]),
  // CONTENT-EXT-02..06
  X("CONTENT-EXT-02", "empty text extension key", msg({ ext: "a16000" }), ["KeyType"]),
  X("CONTENT-EXT-02", "text extension key of 256 octets", ext1(tstr("k".repeat(256)), "00"), ["KeyType"]),
  X("CONTENT-EXT-02", "byte-string extension key", msg({ ext: "a14100" + "00" }), ["KeyType"]),
  X("CONTENT-EXT-02", "float extension key", msg({ ext: "a1f93c0000" }), ["KeyType", "Float"]),
  X("CONTENT-EXT-02", "boolean extension key", msg({ ext: "a1f500" }), ["KeyType"]),
  X("CONTENT-EXT-02", "array extension key", msg({ ext: "a18000" }), ["KeyType"]),
  X("CONTENT-EXT-03", "array key in a nested map", ext1("18ff", "a18000"), ["KeyType"]),
  X("CONTENT-EXT-03", "float key in a nested map", ext1("18ff", "a1f93c0000"), ["KeyType", "Float"]),
  X("CONTENT-EXT-03", "boolean key in a nested map", ext1("18ff", "a1f400"), ["KeyType"]),
  X("CONTENT-EXT-04", "extension key 2^53", ext1("1b0020000000000000", "00"), ["KeyRange"]),
  X("CONTENT-EXT-04", "extension key -2^53", ext1("3b001fffffffffffff", "00"), ["KeyRange"]),
  X("CONTENT-EXT-04", "nested map key 2^64-1", ext1("18ff", "a11bffffffffffffffff00"), ["KeyRange"]),
  X("CONTENT-EXT-05", "arrays 5 levels deep in an extension", ext1("18ff", "8181818101"), ["Depth"]),
  X("CONTENT-EXT-05", "tags and maps 5 levels deep", ext1("18ff", "c1a101c18100"), ["Depth"]),
  X("CONTENT-EXT-06", "senderUri as bytes", msg({ ext: "a10141aa" }), ["Type"]),
  X("CONTENT-EXT-06", "roomUri as an integer", msg({ ext: "a10200" }), ["Type"]),
];

const notes: Record<string, string> = {
  Arity: "an array has the wrong number of elements for its CDDL rule",
  DuplicateKey: "a map has the same key twice",
  Depth: "nesting beyond the §6.3 limits",
  Float: "the case involves a floating-point value",
  Indefinite: "an indefinite-length item or a break byte",
  KeyOrder: "map keys not sorted bytewise by their encoding (RFC 8949 §4.2.1)",
  KeyRange: "an integer map key outside ±(2^53−1)",
  KeyType: "a map key of a type the §6.2 data model forbids there",
  Malformed: "not well-formed CBOR",
  NaN: "a NaN other than f97e00",
  NonShortest: "an integer, length, tag or float not in its shortest form",
  Range: "an integer outside the values its CDDL rule allows",
  Simple: "an unassigned simple value",
  Size: "a byte string or integer of the wrong size",
  Tag: "a tag where the CDDL has none",
  Trailing: "bytes after the data item",
  Truncated: "the input ends inside the data item",
  Type: "a data item of the wrong major type",
  Undefined: "the simple value undefined (f7)",
  Utf8: "a text string that is not valid UTF-8",
};

/** Cases as vector JSON, numbered from `first`. */
function toTests(cases: readonly Case[], first: number): Record<string, unknown>[] {
  return cases.map((c, i) => ({
    tcId: first + i,
    comment: c.comment,
    encoded: c.encoded,
    result: c.result,
    flags: c.flags,
    ...(c.rule === undefined ? {} : { rule: c.rule, reqs: [c.rule] }),
  }));
}

/** The vector file as an object. */
function buildDecodeVectors(): Record<string, unknown> {
  const tcId = valid.length + invalid.length;
  const groups = [
    { type: "MimiContentDecode", tests: toTests(valid, 1) },
    { type: "MimiContentDecode", tests: toTests(invalid, valid.length + 1) },
  ];
  return {
    $schema: "../../schema/mimi-content-decode.schema.json",
    algorithm: "mimi-content/decode",
    source: "draft-ietf-mimi-content-08 §4, §6, Appendix A.1; RFC 8949 §4.2.1",
    generator: "pnpm mimi vectors generate (packages/content/vectors/generate.ts)",
    numberOfTests: tcId,
    header: [
      "encoded: a candidate application/mimi-content body (hex).",
      "valid: decodes, and re-encoding the decoded value gives exactly `encoded`.",
      "invalid: decoding fails with a typed decode error; `rule` is the requirement ID this implementation reports.",
    ],
    notes: Object.fromEntries(
      Object.entries(notes).filter(([f]) => [...valid, ...invalid].some((c) => c.flags.includes(f))),
    ),
    testGroups: groups,
  };
}

/** Where the message-status vectors live, relative to the spec-vectors folder. */
export const STATUS_VECTORS_FILE = "generated/content/message-status-decode.json";

const MID = `5820${"01".padEnd(64, "b")}`;

const statusCases: Case[] = [
  V("empty report", "80"),
  V("one entry, status read", `8182${MID}02`),
  V("unknown status 200 is kept", `8182${MID}18c8`),
  V("two entries", `8282${MID}0082${MID}06`),
  X("CONTENT-STATUS-01", "status 256", `8182${MID}190100`, ["Range"]),
  X("CONTENT-STATUS-01", "negative status", `8182${MID}20`, ["Range"]),
  X("CONTENT-STATUS-01", "message ID of 31 octets", `8182581f${"01".repeat(31)}02`, ["Size"]),
  X("CONTENT-STATUS-01", "entry with 3 elements", `8183${MID}0202`, ["Arity"]),
  X("CONTENT-STATUS-01", "map instead of array", "a0", ["Type"]),
  X("CONTENT-STATUS-01", "status as text", `8182${MID}6472656164`, ["Type"]),
  X("CONTENT-CBOR-01", "trailing byte", "8000", ["Trailing"]),
  X("CONTENT-CBOR-01", "truncated entry", `8182${MID}`, ["Truncated"]),
  X("CONTENT-CBOR-02", "indefinite-length report", "9fff", ["Indefinite"]),
  X("CONTENT-CBOR-03", "status 2 as 18 02", `8182${MID}1802`, ["NonShortest"]),
  X("CONTENT-CBOR-07", "tagged message ID", `8182d818${MID}02`, ["Tag"]),
];

/** The message-status vector file as an object. */
export function buildStatusVectors(): Record<string, unknown> {
  const tests = toTests(statusCases, 1);
  return {
    $schema: "../../schema/mimi-message-status-decode.schema.json",
    algorithm: "mimi-message-status/decode",
    source: "draft-mahy-mimi-message-status-01 §4; RFC 8949 §4.2.1",
    generator: "pnpm mimi vectors generate (packages/content/vectors/generate.ts)",
    numberOfTests: tests.length,
    header: [
      "encoded: a candidate application/mimi-message-status body (hex).",
      "valid: decodes, and re-encoding gives exactly `encoded`; invalid: a typed decode error with requirement ID `rule`.",
    ],
    notes: Object.fromEntries(
      Object.entries(notes).filter(([f]) => statusCases.some((c) => c.flags.includes(f))),
    ),
    testGroups: [{ type: "MessageStatusDecode", tests }],
  };
}

/** The file's text as committed. */
export function renderDecodeVectors(): string {
  return `${JSON.stringify(buildDecodeVectors(), null, 2)}\n`;
}

/**
 * Every vector file of this package, as `mimi vectors generate` writes it (paths relative to
 * `spec-vectors/generated/`). Pure: the same output on every call, nothing written.
 */
export async function generateVectors(): Promise<
  readonly { readonly path: string; readonly content: string }[]
> {
  return [
    { path: DECODE_VECTORS_FILE.slice("generated/".length), content: renderDecodeVectors() },
    {
      path: STATUS_VECTORS_FILE.slice("generated/".length),
      content: `${JSON.stringify(buildStatusVectors(), null, 2)}\n`,
    },
  ];
}
