/** SHA-256 of the two runtime variants (`#platform`): the message ID (CONTENT-ID-01) and the attachment hash use it. */
import { fc, test } from "@fast-check/vitest";
import { toHex } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { sha256 as nodeSha256 } from "../src/sha256.node.js";
import { sha256 as webSha256 } from "../src/sha256.web.js";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("sha256 (#platform)", () => {
  it("[CONTENT-ID-01] FIPS 180-4 test vectors, in one part and split, in both variants", () => {
    const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const long = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    const message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (const sha256 of [nodeSha256, webSha256]) {
      expect(toHex(sha256(ascii("abc")))).toBe(abc);
      expect(toHex(sha256(ascii("a"), new Uint8Array(), ascii("bc")))).toBe(abc);
      expect(toHex(sha256(ascii(message)))).toBe(long);
      expect(toHex(sha256(ascii(message.slice(0, 30)), ascii(message.slice(30))))).toBe(long);
      expect(toHex(sha256())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
  });

  test.prop([fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 5 })], { numRuns: 200 })(
    "[CONTENT-ID-01] the Node variant gives the digest of the other, over any parts (views of a larger buffer too)",
    (parts) => {
      const views = parts.map((p) => {
        const big = new Uint8Array(p.length + 3);
        big.set(p, 1);
        return big.subarray(1, 1 + p.length);
      });
      const node = nodeSha256(...views);
      expect(node).toBeInstanceOf(Uint8Array);
      expect(node.length).toBe(32);
      expect(toHex(node)).toBe(toHex(webSha256(...parts)));
    },
  );
});
