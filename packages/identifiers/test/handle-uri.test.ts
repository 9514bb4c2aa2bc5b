import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  handleUriEquals,
  IdentifierError,
  isHandleUri,
  mimiUriOfXmpp,
  normalizeHandleUri,
  parseHandleUri,
} from "../src/index.js";

function ruleOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IdentifierError);
    return (e as IdentifierError).rule;
  }
  throw new Error("expected an IdentifierError");
}

const rule = (text: string) => ruleOf(() => parseHandleUri(text));

describe("handle URIs", () => {
  it("ID-HANDLE-01 accepts tel, mailto, im and xmpp in any case, nothing else", () => {
    expect(parseHandleUri("IM:alice.smith@a.example").scheme).toBe("im");
    expect(rule("sip:juliet@example.com")).toBe("ID-HANDLE-01");
    expect(rule("mimi://a.example/u/alice")).toBe("ID-HANDLE-01");
    expect(rule("@juliet@example.com")).toBe("ID-HANDLE-01");
    expect(rule("")).toBe("ID-HANDLE-01");
  });

  it("ID-TEL-01 keeps only '+' and the digits of a global E.164 number", () => {
    expect(parseHandleUri("tel:+1-201-555-0123")).toEqual({
      uri: "tel:+12015550123",
      scheme: "tel",
      number: "+12015550123",
    });
    expect(normalizeHandleUri("TEL:+44.(20).7946.0000")).toBe("tel:+442079460000");
    expect(normalizeHandleUri("tel:+123456789012345")).toBe("tel:+123456789012345");
    expect(rule("tel:2015550123")).toBe("ID-TEL-01");
    expect(rule("tel:+0201")).toBe("ID-TEL-01");
    expect(rule("tel:+")).toBe("ID-TEL-01");
    expect(rule("tel:+-")).toBe("ID-TEL-01");
    expect(rule("tel:+1234567890123456")).toBe("ID-TEL-01");
    expect(rule("tel:+1 201")).toBe("ID-TEL-01");
    expect(rule("tel:+1201%35")).toBe("ID-TEL-01");
  });

  it("ID-TEL-02 rejects parameters, query and fragment", () => {
    expect(rule("tel:+12015550123;ext=1")).toBe("ID-TEL-02");
    expect(rule("tel:+12015550123;phone-context=example.com")).toBe("ID-TEL-02");
    expect(rule("tel:+12015550123?x")).toBe("ID-TEL-02");
    expect(rule("tel:+12015550123#x")).toBe("ID-TEL-02");
  });

  it("ID-MAIL-01 reads one dot-atom address; case of the local part is kept, the domain is normalized", () => {
    expect(parseHandleUri("MAILTO:Juliet@Example.COM")).toEqual({
      uri: "mailto:Juliet@example.com",
      scheme: "mailto",
      localPart: "Juliet",
      domain: "example.com",
    });
    expect(normalizeHandleUri("im:alice.smith@a.example")).toBe("im:alice.smith@a.example");
    expect(normalizeHandleUri("mailto:%61.b+tag@Bücher.example")).toBe(
      "mailto:a.b+tag@xn--bcher-kva.example",
    );
    expect(normalizeHandleUri("mailto:a%7Bb%7d@c.example")).toBe("mailto:a%7Bb%7D@c.example");
    expect(normalizeHandleUri("mailto:jö@c.example")).toBe("mailto:j%C3%B6@c.example");
    expect(rule("mailto:juliet")).toBe("ID-MAIL-01");
    expect(rule("mailto:@example.com")).toBe("ID-MAIL-01");
    expect(rule("mailto:a..b@example.com")).toBe("ID-MAIL-01");
    expect(rule("mailto:.a@example.com")).toBe("ID-MAIL-01");
    expect(rule("mailto:a.@example.com")).toBe("ID-MAIL-01");
    expect(rule("mailto:a@b@example.com")).toBe("ID-MAIL-01");
    expect(rule("mailto:a%20b@example.com")).toBe("ID-MAIL-01");
    expect(rule("mailto:(a)@example.com")).toBe("ID-MAIL-01");
    expect(rule("mailto:a%00@example.com")).toBe("ID-MAIL-01");
    expect(rule(`mailto:${"a".repeat(65)}@example.com`)).toBe("ID-MAIL-01");
    expect(rule("mailto:a@example.com/x")).toBe("ID-MAIL-01");
    expect(rule("mailto:a@Example..com")).toBe("ID-HOST-01");
    expect(rule("im:x@[192.0.2.1]")).toBe("ID-HOST-03");
  });

  it("ID-MAIL-02 rejects header fields, fragments and a second address", () => {
    expect(rule("mailto:a@example.com?subject=hi")).toBe("ID-MAIL-02");
    expect(rule("mailto:a@example.com#x")).toBe("ID-MAIL-02");
    expect(rule("mailto:a@example.com,b@example.com")).toBe("ID-MAIL-02");
    expect(rule("im:a@example.com?body=x")).toBe("ID-MAIL-02");
  });

  it("ID-XMPP-01 reads a JID: case-mapped localpart, normalized domain, resource kept", () => {
    expect(parseHandleUri("xmpp:Juliet@Example.com/Balcony")).toEqual({
      uri: "xmpp:juliet@example.com/Balcony",
      scheme: "xmpp",
      localPart: "juliet",
      domain: "example.com",
      resource: "Balcony",
    });
    expect(parseHandleUri("xmpp:example.com")).toMatchObject({ localPart: undefined, resource: undefined });
    expect(normalizeHandleUri("xmpp:ÄB@bücher.example/a%2fb")).toBe(
      "xmpp:%C3%A4b@xn--bcher-kva.example/a%2Fb",
    );
    expect(normalizeHandleUri("xmpp:a@b.example/x%40y%20z")).toBe("xmpp:a@b.example/x%40y%20z");
    expect(rule("xmpp:a@b.example/x@y")).toBe("ID-XMPP-01");
    expect(rule("xmpp:a@b.example/x/y")).toBe("ID-XMPP-01");
    expect(rule("xmpp:@example.com")).toBe("ID-XMPP-01");
    expect(rule("xmpp:jul%27iet@example.com")).toBe("ID-XMPP-01");
    expect(rule("xmpp:a%3Ab@example.com")).toBe("ID-XMPP-01");
    expect(rule("xmpp:a b@example.com")).toBe("ID-XMPP-01");
    expect(rule("xmpp:a@example.com/")).toBe("ID-XMPP-01");
    expect(rule("xmpp:a@example.com/a%00")).toBe("ID-XMPP-01");
  });

  it("ID-XMPP-02 rejects the authority form, queries and fragments", () => {
    expect(rule("xmpp://guest@example.com/support@example.com")).toBe("ID-XMPP-02");
    expect(rule("xmpp:romeo@example.net?message")).toBe("ID-XMPP-02");
    expect(rule("xmpp:romeo@example.net#x")).toBe("ID-XMPP-02");
  });

  it("ID-XMPP-03 maps XMPP addresses to MIMI URIs as identity-05 §4 does", () => {
    expect(mimiUriOfXmpp("xmpp:example.com")).toBe("mimi://example.com");
    expect(mimiUriOfXmpp("xmpp:juliet@example.com")).toBe("mimi://example.com/u/juliet");
    expect(mimiUriOfXmpp("xmpp:Juliet@example.com/balcony")).toBe("mimi://example.com/d/juliet/balcony");
    expect(ruleOf(() => mimiUriOfXmpp("xmpp:example.com/balcony"))).toBe("ID-XMPP-03");
    expect(ruleOf(() => mimiUriOfXmpp("im:alice.smith@a.example"))).toBe("ID-XMPP-03");
    expect(ruleOf(() => mimiUriOfXmpp(`xmpp:a@example.com/${"r".repeat(256)}`))).toBe("ID-PATH-07");
  });

  it("isHandleUri and handleUriEquals work on canonical forms", () => {
    expect(isHandleUri("tel:+12015550123")).toBe(true);
    expect(isHandleUri("tel:+1-201-555-0123")).toBe(false);
    expect(isHandleUri(7)).toBe(false);
    expect(isHandleUri("sip:x@y")).toBe(false);
    expect(handleUriEquals("tel:+1-201-555-0123", "TEL:+1.201.555.0123")).toBe(true);
    expect(handleUriEquals("mailto:a@B.example", "mailto:%61@b.example")).toBe(true);
    expect(handleUriEquals("mailto:A@b.example", "mailto:a@b.example")).toBe(false);
    expect(handleUriEquals("im:a@b.example", "mailto:a@b.example")).toBe(false);
    expect(ruleOf(() => handleUriEquals("tel:1", "tel:+1"))).toBe("ID-TEL-01");
  });
});

describe("handle URI properties", () => {
  const handleAlphabet = fc.constantFrom(
    ..."tel:mailto:im:xmpp:+-.()@/?#;,%20%41%C3%A4aZ09 ä[]\\\"'<>".split(""),
    "tel:",
    "mailto:",
    "im:",
    "xmpp:",
    "%2F",
    "%40",
  );
  test.prop([fc.array(handleAlphabet, { maxLength: 25 }).map((a) => a.join(""))], { numRuns: 1000 })(
    "random handle-like strings only give IdentifierError, and what parses normalizes idempotently",
    (s) => {
      let uri: string | undefined;
      try {
        uri = parseHandleUri(s).uri;
      } catch (e) {
        if (!(e instanceof IdentifierError)) throw e;
      }
      if (uri !== undefined) expect(normalizeHandleUri(uri)).toBe(uri);
    },
  );
});
