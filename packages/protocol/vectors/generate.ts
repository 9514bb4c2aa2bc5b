/**
 * Deterministic generator of `generated/protocol/bodies.json`: for every protocol-06 structure,
 * sample values (fast-check, fixed seeds) encoded to hex with their JSON form, and hand-made
 * invalid encodings. The MLS objects inside (KeyPackages, PrivateMessages, GroupInfo, Welcome,
 * signatures) are made by ts-mls with every random value drawn from a seeded stream
 * (`withSeededRandom`), so regenerating gives the same bytes.
 *
 * `pnpm mimi vectors generate` rewrites the file; `--check` and a test check that the committed
 * file is exactly what this module produces.
 */
import { fc } from "@fast-check/vitest";
import { withSeededRandom } from "@mimi/testkit/seeded";
import { type Codec, encodeWith, toHex } from "@mimi/wire";
import { structCodecs } from "../src/structs.js";
import { arbitraryFor } from "../test/support/arbitraries.js";
import { mlsFixtures } from "../test/support/fixtures.js";
import { invalidCases } from "./invalid-cases.js";

/** Where the file goes, relative to the spec-vectors folder. */
export const BODY_VECTORS_FILE = "generated/protocol/bodies.json";

/** The seed of every random value behind the MLS objects of the file. */
const SEED = "mimi protocol bodies v1";

/** The protocol body vector file (pure: the same value on every call). */
async function buildBodyVectors(): Promise<Record<string, unknown>> {
  const fx = await withSeededRandom(SEED, () => mlsFixtures());
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
    $schema: "../../schema/mimi-protocol-decode.schema.json",
    algorithm: "mimi-protocol/decode",
    source: "draft-ietf-mimi-protocol-06 §5 (and draft-mahy-mls-ratchet-tree-options §3–§4)",
    generator:
      "pnpm mimi vectors generate (packages/protocol/vectors/generate.ts: fast-check samples with fixed seeds; MLS objects from ts-mls 1.6.4 on a seeded random stream)",
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
      UnsortedComponentData:
        "draft-ietf-mls-extensions-10 §4.6: an AppDataDictionary's entries are sorted by component_id, one per ID (a ValidationError MLS-EXT-01, not a CodecError)",
      WrongLength: "a fixed-length field of the wrong length",
    },
    testGroups: [
      { type: "ProtocolBodyDecode", tests: valid },
      { type: "ProtocolBodyReject", tests: invalid },
    ],
  };
  return file;
}

/** The transport package's generated vector files, for `mimi vectors generate`. */
export async function generateVectors(): Promise<
  readonly { readonly path: string; readonly content: string }[]
> {
  return [
    {
      path: BODY_VECTORS_FILE.slice("generated/".length),
      content: `${JSON.stringify(await buildBodyVectors(), null, 2)}\n`,
    },
  ];
}
