import { fc, test } from "@fast-check/vitest";
import { fromHex, isMimiError, toHex, utf8 } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  decodeExternalSenders,
  type ExternalSender,
  encodeExternalSenders,
  removeDepartedFollowers,
  requireHubExternalSender,
} from "../src/index.js";

const sender = (name: string, key: number): ExternalSender => ({
  signaturePublicKey: new Uint8Array(32).fill(key),
  credential: { credentialType: "basic", identity: utf8(name) },
});
const hub = sender("hub.example", 1);
const follower = sender("b.example", 2);

describe("external_senders (RFC 9420 §12.1.8.1, draft-ietf-mimi-protocol-06 §7.4)", () => {
  it("encodes a vector of ExternalSender, as the RFC says (through the adapter)", () => {
    const bytes = encodeExternalSenders([hub]);
    // <V> length, then signature_key<V>, then the credential
    const one = `20${"01".repeat(32)}00010b${toHex(utf8("hub.example"))}`;
    expect(toHex(bytes)).toBe(`${(one.length / 2).toString(16)}${one}`);
    expect(decodeExternalSenders(bytes)).toEqual([hub]);
    expect(decodeExternalSenders(encodeExternalSenders([hub, follower]))).toEqual([hub, follower]);
    expect(decodeExternalSenders(fromHex("00"))).toEqual([]);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])("random bytes only ever give a typed error", (b) => {
    try {
      decodeExternalSenders(b);
    } catch (e) {
      expect(isMimiError(e), String(e)).toBe(true);
    }
  });

  it("MLS-XSND-01: external_senders must exist and contain the hub", () => {
    expect(requireHubExternalSender([follower, hub], hub)).toBe(1);
    expect(() => requireHubExternalSender(undefined, hub)).toThrow(
      expect.objectContaining({ rule: "MLS-XSND-01" }),
    );
    expect(() => requireHubExternalSender([follower], hub)).toThrow(
      expect.objectContaining({ rule: "MLS-XSND-01" }),
    );
    // same key but another credential is not the hub
    expect(() => requireHubExternalSender([{ ...hub, credential: follower.credential }], hub)).toThrow(
      expect.objectContaining({ rule: "MLS-XSND-01" }),
    );
  });

  it("MLS-XSND-02: a follower's entry goes with its last participant; the hub's stays", () => {
    const isFollowerOf = (s: ExternalSender, domain: string): boolean =>
      s.credential.credentialType === "basic" && new TextDecoder().decode(s.credential.identity) === domain;
    expect(removeDepartedFollowers([hub, follower], hub, ["b.example"], isFollowerOf)).toEqual([hub]);
    expect(removeDepartedFollowers([hub, follower], hub, ["c.example"], isFollowerOf)).toEqual([
      hub,
      follower,
    ]);
    expect(() => removeDepartedFollowers([hub, follower], hub, ["hub.example"], isFollowerOf)).toThrow(
      expect.objectContaining({ rule: "MLS-XSND-02" }),
    );
  });
});
