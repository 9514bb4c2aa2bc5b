import { readUpstreamHex } from "@mimi/spec-vectors";
import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  decodeMimiContent,
  decryptAttachment,
  type ExternalPart,
  encodeMimiContent,
  encryptAttachment,
  externalLink,
} from "../src/index.js";

const file = new TextEncoder().encode("two hours of key signing video, in a few bytes");

describe("attachments (§4.5)", () => {
  it("CONTENT-ATT-01 AES-128-GCM encrypt, describe, decrypt", async () => {
    const { ciphertext, part } = await encryptAttachment(file, {
      contentType: "video/mp4",
      url: "https://example.com/x",
      filename: "f.mp4",
    });
    expect(part.encAlg).toBe(1);
    expect(part.key.length).toBe(16);
    expect(part.nonce.length).toBe(12);
    expect(ciphertext.length).toBe(file.length + 16);
    // the part survives the codec
    const base = decodeMimiContent(readUpstreamHex("content/attachment.hex"));
    const back = decodeMimiContent(encodeMimiContent({ ...base, nestedPart: part }))
      .nestedPart as ExternalPart;
    expect(await decryptAttachment(back, ciphertext)).toEqual(file);
  });
  it("CONTENT-ATT-02 a changed download fails the contentHash check", async () => {
    const { ciphertext, part } = await encryptAttachment(file, {
      contentType: "video/mp4",
      url: "https://example.com/x",
    });
    const tampered = ciphertext.slice();
    tampered[0]! ^= 1;
    await expect(decryptAttachment(part, tampered)).rejects.toThrow(ValidationError);
    await expect(decryptAttachment(part, ciphertext.subarray(1))).rejects.toThrow(/size/);
  });
  it("CONTENT-ATT-01 a wrong key fails authentication", async () => {
    const { ciphertext, part } = await encryptAttachment(file, {
      contentType: "video/mp4",
      url: "https://example.com/x",
    });
    const wrong = { ...part, key: new Uint8Array(16), hashAlg: 0, contentHash: new Uint8Array(), size: 0 };
    await expect(decryptAttachment(wrong, ciphertext)).rejects.toThrow(/authentication/);
    await expect(decryptAttachment({ ...part, encAlg: 2 }, ciphertext)).rejects.toThrow(ValidationError);
  });
  it("CONTENT-ATT-02 unencrypted content is returned as is after the hash check", async () => {
    const part = externalLink({ url: "https://example.com/join/12345", disposition: 7 });
    expect(await decryptAttachment(part, file)).toEqual(file);
  });
});
