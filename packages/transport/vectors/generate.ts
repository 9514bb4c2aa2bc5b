/**
 * Writes `spec-vectors/protocol/bodies.json`: for every protocol-06 structure, sample values
 * (fast-check, fixed seed, with MLS objects made by ts-mls) encoded to hex with their JSON form,
 * and hand-made invalid encodings.
 *
 * Run: `pnpm exec tsx --conditions=@mimi/source packages/transport/vectors/generate.ts`.
 * The MLS objects use fresh random keys, so re-running changes their bytes; the committed file is
 * the reference, and `mimi vectors verify` checks it against the codecs.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fc } from "@fast-check/vitest";
import { vectorsRoot } from "@mimi/spec-vectors";
import { toHex } from "@mimi/wire";
import { type Codec, encodeWith } from "../src/codec/schema.js";
import { structCodecs } from "../src/structs.js";
import { arbitraryFor } from "../test/support/arbitraries.js";
import { mlsFixtures } from "../test/support/fixtures.js";
import { invalidCases } from "./invalid-cases.js";

const fx = await mlsFixtures();
const valid = [];
let tcId = 1;
for (const [name, codec] of Object.entries(structCodecs)) {
  const samples = fc.sample(arbitraryFor(codec as Codec<unknown>, fx), {
    seed: 0x6d696d69 + tcId,
    numRuns: 2,
  });
  for (const value of samples) {
    valid.push({
      tcId: tcId++,
      comment: `${name}: sample value`,
      struct: name,
      encoded: toHex(encodeWith(codec, value)),
      json: codec.toJson(value),
      result: "valid",
      flags: [],
    });
  }
}
const invalid = invalidCases(fx).map((c) => ({ tcId: tcId++, ...c }));

const file = {
  $schema: "../schema/vector-file.schema.json",
  algorithm: "mimi-protocol/decode",
  source: "draft-ietf-mimi-protocol-06 §5 (and draft-mahy-mls-ratchet-tree-options §3–§4)",
  generator: "packages/transport/vectors/generate.ts (fast-check samples; MLS objects from ts-mls 1.6.4)",
  numberOfTests: valid.length + invalid.length,
  header: [
    "Each case decodes `encoded` (hex) as the protocol-06 structure named by `struct`.",
    "valid: decodes to `json` (the JSON mapping of `mimi protocol decode`), and encoding `json` gives `encoded` back.",
    "invalid: decoding fails with a typed codec error.",
    "Structures: the names of draft-ietf-mimi-protocol-06 §5; `FanoutMessages` is a /notify body (one or more concatenated FanoutMessage).",
  ],
  notes: {
    UnsupportedProtocol: "§5: only mls10(1) has a select arm (decision 0601)",
    NoSelectArm: "a select value with no arm in the struct",
    Truncated: "the input ends inside a field",
    TrailingBytes: "bytes left after the structure",
    InvalidUtf8: "a URI or string field that is not UTF-8",
    MalformedMls: "an embedded RFC 9420 structure ts-mls cannot decode",
    BadPresenceOctet: "RFC 9420 §2.1.1: optional<T> presence octet must be 0 or 1",
    EmptyNotifyBody: "§5.5: a /notify body holds at least one FanoutMessage",
    WrongLength: "a fixed-length field of the wrong length",
  },
  testGroups: [
    { type: "ProtocolBodyDecode", tests: valid },
    { type: "ProtocolBodyReject", tests: invalid },
  ],
};
writeFileSync(join(vectorsRoot, "protocol", "bodies.json"), `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${file.numberOfTests} cases`);
