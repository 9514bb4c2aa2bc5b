/**
 * Vector suites for the TLS codec: the RFC 9420 `deserialization` vectors and §2.1.2 examples
 * (imported upstream), and our own negative cases in `spec-vectors/wire/tls-codec.json`.
 */
import {
  allCases,
  loadVectorFile,
  readUpstreamJson,
  readUpstreamText,
  runCases,
  type VectorCase,
  type VectorSuite,
} from "@mimi/spec-vectors";
import {
  CodecError,
  decodeTls,
  encodeTls,
  fromHex,
  type TlsReader,
  type TlsWriter,
  toHex,
} from "../src/index.js";

interface VlbytesVector {
  readonly vlbytes_header: string;
  readonly length: number;
}

/** Decode a bare varint and check the re-encoding is identical. */
function checkVarint(hex: string, expected: number): void {
  const bytes = fromHex(hex);
  const v = decodeTls(bytes, (r) => r.varint());
  if (v !== expected) throw new Error(`decoded ${v}, expected ${expected}`);
  const again = toHex(encodeTls((w) => w.varint(v)));
  if (again !== hex) throw new Error(`re-encoded as ${again}`);
}

interface Codec {
  readonly read: (r: TlsReader) => unknown;
  readonly write: (w: TlsWriter, v: never) => unknown;
}

const codecs: Record<string, Codec> = {
  varint: { read: (r) => r.varint(), write: (w, v: number) => w.varint(v) },
  opaque: { read: (r) => r.opaque(), write: (w, v: Uint8Array) => w.opaque(v) },
  "optional<uint8>": {
    read: (r) => r.optional((x) => x.uint8()),
    write: (w, v: number | undefined) => w.optional(v, (x, n) => x.uint8(n)),
  },
  "uint8<V>": {
    read: (r) => r.vector((x) => x.uint8()),
    write: (w, v: number[]) => w.vector(v, (x, n) => x.uint8(n)),
  },
  uint16: { read: (r) => r.uint16(), write: (w, v: number) => w.uint16(v) },
  uint32: { read: (r) => r.uint32(), write: (w, v: number) => w.uint32(v) },
  uint64: { read: (r) => r.uint64(), write: (w, v: bigint) => w.uint64(v) },
};

/** Check one case of spec-vectors/wire/tls-codec.json. */
export function checkTlsCodecCase(t: VectorCase): void {
  const codec = codecs[String(t["type"])];
  if (codec === undefined) throw new Error(`unknown type ${String(t["type"])}`);
  const bytes = fromHex(String(t["encoded"]));
  if (t.result === "invalid") {
    try {
      decodeTls(bytes, codec.read);
    } catch (e) {
      if (e instanceof CodecError) return;
      throw e;
    }
    throw new Error("invalid encoding was accepted");
  }
  const value = decodeTls(bytes, codec.read);
  const again = toHex(encodeTls((w) => codec.write(w, value as never)));
  if (again !== t["encoded"]) throw new Error(`re-encoded as ${again}`);
}

export const vectorSuites: readonly VectorSuite[] = [
  {
    name: "mls/rfc9420-deserialization",
    source: "RFC 9420 §2.1.2 (mlswg deserialization.json)",
    run: () =>
      runCases(
        readUpstreamJson("mls-rfc9420/deserialization.json") as VlbytesVector[],
        (v) => v.vlbytes_header,
        (v) => checkVarint(v.vlbytes_header, v.length),
      ),
  },
  {
    name: "mls/rfc9420-varint-examples",
    source: "RFC 9420 §2.1.2",
    run: () =>
      runCases(
        readUpstreamText("mls/rfc9420-varint-examples.txt")
          .split("\n")
          .filter((l) => /^[0-9a-f]+\t\d+$/.test(l))
          .map((l) => l.split("\t") as [string, string]),
        ([hex]) => hex,
        ([hex, n]) => checkVarint(hex, Number(n)),
      ),
  },
  {
    name: "wire/tls-codec",
    source: "RFC 9420 §2.1 (spec-vectors/wire/tls-codec.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile("wire/tls-codec.json")),
        ({ test }) => String(test.tcId),
        ({ test }) => checkTlsCodecCase(test),
      ),
  },
];
