/**
 * Hand-made invalid encodings for `spec-vectors/generated/protocol/bodies.json` (used by the generator).
 */
import { concatBytes, toHex, utf8 } from "@mimi/wire";
import type { MlsFixtures } from "../test/support/fixtures.js";

/** One invalid case (without its tcId). */
export interface InvalidCase {
  readonly comment: string;
  readonly struct: string;
  readonly encoded: string;
  readonly result: "invalid";
  readonly flags: readonly string[];
  readonly reqs?: readonly string[];
}

const u64 = (n: number): Uint8Array => new Uint8Array([0, 0, 0, 0, 0, 0, 0, n]);
const opaque = (b: Uint8Array): Uint8Array => concatBytes(new Uint8Array([b.length]), b);

/** The invalid cases. */
export function invalidCases(fx: MlsFixtures): InvalidCase[] {
  const uri = opaque(utf8("mimi://a.example/u/alice"));
  const priv = fx.privateMessages[0]!.bytes;
  const kpMsg = concatBytes(new Uint8Array([0, 1, 0, 5]), fx.keyPackages[0]!.bytes);
  const c = (
    comment: string,
    struct: string,
    bytes: Uint8Array,
    flags: string[],
    reqs?: string[],
  ): InvalidCase => ({
    comment,
    struct,
    encoded: toHex(bytes),
    result: "invalid",
    flags,
    ...(reqs === undefined ? {} : { reqs }),
  });
  return [
    c("protocol reserved(0)", "SubmitMessageRequest", new Uint8Array([0]), ["UnsupportedProtocol"]),
    c("protocol 2 (unassigned)", "KeyMaterialResponse", new Uint8Array([2, 0, 0, 0]), [
      "UnsupportedProtocol",
    ]),
    c("GroupInfoResponse with protocol reserved(0)", "GroupInfoResponse", new Uint8Array([0, 0, 2]), [
      "UnsupportedProtocol",
    ]),
    c(
      "HandshakeBundle whose proposalOrCommit is a PrivateMessage",
      "UpdateRequest",
      concatBytes(priv, new Uint8Array([0])),
      ["NoSelectArm"],
      ["PROTO-UPD-01"],
    ),
    c(
      "FanoutMessage carrying a KeyPackage",
      "FanoutMessage",
      concatBytes(u64(1), kpMsg),
      ["NoSelectArm"],
      ["PROTO-FAN-01"],
    ),
    c("GroupInfoOption representation reserved(0)", "GroupInfoOption", new Uint8Array([0]), ["NoSelectArm"]),
    c("RatchetTreeOption representation 9", "RatchetTreeOption", new Uint8Array([9]), ["NoSelectArm"]),
    c("IdentifierUri with invalid UTF-8", "IdentifierUri", new Uint8Array([2, 0xc3, 0x28]), ["InvalidUtf8"]),
    c("IdentifierUri truncated", "IdentifierUri", new Uint8Array([5, 0x61]), ["Truncated"]),
    c("IdentifierUri with a trailing byte", "IdentifierUri", concatBytes(uri, new Uint8Array([0])), [
      "TrailingBytes",
    ]),
    c(
      "SubmitMessageRequest whose MLSMessage is cut short",
      "SubmitMessageRequest",
      concatBytes(new Uint8Array([1]), priv.slice(0, 40)),
      ["MalformedMls", "Truncated"],
    ),
    c(
      "SubmitMessageRequest whose MLSMessage has an unknown wire format",
      "SubmitMessageRequest",
      concatBytes(new Uint8Array([1, 0, 1, 0, 9]), priv.slice(4), uri),
      ["MalformedMls"],
    ),
    c(
      "SubmitMessageResponse accepted with presence octet 2 for frank",
      "SubmitMessageResponse",
      concatBytes(new Uint8Array([1, 0]), u64(5), new Uint8Array([2])),
      ["BadPresenceOctet"],
    ),
    c(
      "Frank with a 31-byte server_frank",
      "Frank",
      concatBytes(new Uint8Array(31), new Uint8Array([0, 1, 0])),
      ["Truncated", "WrongLength"],
    ),
    c(
      "AppDataDictionary with component_id 7 before 1",
      "AppDataDictionary",
      new Uint8Array([8, 0, 7, 1, 2, 0, 1, 1, 1]),
      ["UnsortedComponentData"],
      ["MLS-EXT-01"],
    ),
    c(
      "AppDataDictionary with component_id 3 twice",
      "AppDataDictionary",
      new Uint8Array([6, 0, 3, 0, 0, 3, 0]),
      ["UnsortedComponentData"],
      ["MLS-EXT-01"],
    ),
    c("empty /notify body", "FanoutMessages", new Uint8Array(), ["EmptyNotifyBody"]),
    c(
      "second FanoutMessage of a /notify body cut short",
      "FanoutMessages",
      concatBytes(u64(1), priv, new Uint8Array([0]), u64(2), priv.slice(0, 10)),
      ["Truncated"],
    ),
  ];
}
