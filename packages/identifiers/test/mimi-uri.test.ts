import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  assertMimiUri,
  domainOf,
  formatMimiUri,
  IdentifierError,
  isClientUri,
  isMimiUri,
  isProviderUri,
  isUserUri,
  kindOf,
  MAX_URI_INPUT_LENGTH,
  mimiUriEquals,
  normalizeMimiUri,
  parseClientUri,
  parseGroupUri,
  parseMimiUri,
  parseProviderUri,
  parsePseudonymUri,
  parseRoomUri,
  parseTeamUri,
  parseUserUri,
  providerOf,
  userOfClient,
} from "../src/index.js";

/** The error `fn` throws; fails the test when it throws nothing or something else. */
function errorOf(fn: () => unknown): IdentifierError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IdentifierError);
    expect(e).toBeInstanceOf(ValidationError);
    return e as IdentifierError;
  }
  throw new Error("expected an IdentifierError");
}

/** Expect `text` to be rejected by `rule` at character position `at`. */
function rejects(text: string, rule: string, at?: number): void {
  const e = errorOf(() => parseMimiUri(text));
  expect(e.rule, `${text}: ${e.what}`).toBe(rule);
  if (at !== undefined) expect(e.path).toBe(`@${at}`);
}

describe("parseMimiUri: the draft examples", () => {
  it.each([
    ["mimi://a.example", "provider", "a.example", []],
    ["mimi://a.example/u/alice", "u", "a.example", ["alice"]],
    ["mimi://a.example/p/crazykoala75", "p", "a.example", ["crazykoala75"]],
    ["mimi://a.example/d/ClientA1", "d", "a.example", ["ClientA1"]],
    ["mimi://a.example/d/alice/ClientA1", "d", "a.example", ["alice", "ClientA1"]],
    ["mimi://a.example/r/clubhouse", "r", "a.example", ["clubhouse"]],
    ["mimi://a.example/g/TII9t5viBrXiXc", "g", "a.example", ["TII9t5viBrXiXc"]],
    ["mimi://a.example/t/engineering", "t", "a.example", ["engineering"]],
    [
      "mimi://irc.example.com/u/jcapulet1583@example.com",
      "u",
      "irc.example.com",
      ["jcapulet1583@example.com"],
    ],
  ])("%s is a canonical %s URI", (text, kind, domain, segments) => {
    const p = parseMimiUri(text);
    expect(p).toEqual({ uri: text, kind, domain, segments });
    expect(isMimiUri(text)).toBe(true);
  });
});

describe("scheme and authority", () => {
  it("ID-URI-01 requires the scheme mimi and '//', in any case", () => {
    rejects("im:alice.smith@a.example", "ID-URI-01", 0);
    rejects("https://a.example/u/alice", "ID-URI-01", 0);
    rejects("mimi:a.example/u/alice", "ID-URI-01", 4);
    rejects("mimi:/a.example", "ID-URI-01", 4);
    rejects("mim", "ID-URI-01", 3);
    rejects("", "ID-URI-01", 0);
    rejects(" mimi://a.example", "ID-URI-01", 0);
    expect(normalizeMimiUri("MiMi://a.example/u/alice")).toBe("mimi://a.example/u/alice");
  });

  it("ID-URI-02 rejects userinfo", () => {
    rejects("mimi://alice@a.example/u/alice", "ID-URI-02", 12);
    rejects("mimi://@a.example", "ID-URI-02", 7);
  });

  it("ID-URI-03 rejects a port, even an empty one", () => {
    rejects("mimi://a.example:443/u/alice", "ID-URI-03", 16);
    rejects("mimi://a.example:", "ID-URI-03", 16);
  });

  it("ID-URI-04 rejects a query, after the host or a segment", () => {
    rejects("mimi://a.example?x", "ID-URI-04", 16);
    rejects("mimi://a.example/u/alice?", "ID-URI-04", 24);
    rejects("mimi://a.example/u?x", "ID-URI-04", 18);
  });

  it("ID-URI-05 rejects a fragment", () => {
    rejects("mimi://a.example#f", "ID-URI-05", 16);
    rejects("mimi://a.example/d/alice/c1#f", "ID-URI-05", 27);
  });

  it("ID-URI-06 rejects text longer than 4096 characters before reading it", () => {
    rejects(`mimi://a.example/u/${"a".repeat(MAX_URI_INPUT_LENGTH)}`, "ID-URI-06", MAX_URI_INPUT_LENGTH);
  });
});

describe("host", () => {
  it("ID-HOST-01 accepts LDH domain names and lower-cases them", () => {
    expect(parseMimiUri("mimi://A.EXAMPLE/u/alice").domain).toBe("a.example");
    expect(normalizeMimiUri("mimi://Hub-1.Example.COM")).toBe("mimi://hub-1.example.com");
    expect(parseMimiUri("mimi://localhost").domain).toBe("localhost");
    expect(parseMimiUri("mimi://local.invalid/u/alice.smith").domain).toBe("local.invalid");
  });

  it("ID-HOST-01 rejects empty hosts and labels, a trailing dot, bad characters and hyphens at label ends", () => {
    rejects("mimi://", "ID-HOST-01", 7);
    rejects("mimi:///u/alice", "ID-HOST-01", 7);
    rejects("mimi://a..example", "ID-HOST-01", 9);
    rejects("mimi://.a.example", "ID-HOST-01", 7);
    rejects("mimi://a.example.", "ID-HOST-01", 17);
    rejects("mimi://a.example./u/alice", "ID-HOST-01", 17);
    rejects("mimi://-a.example", "ID-HOST-01", 7);
    rejects("mimi://a-.example", "ID-HOST-01", 8);
    rejects("mimi://a.example-", "ID-HOST-01", 16);
    rejects("mimi://a_b.example", "ID-HOST-01", 8);
    rejects("mimi://a%41.example", "ID-HOST-01", 8);
    rejects("mimi://a example", "ID-HOST-01", 8);
    rejects("mimi://a.example\\u\\alice", "ID-HOST-01", 16);
  });

  it("ID-HOST-02 maps internationalized names to A-labels and rejects invalid ones", () => {
    expect(parseMimiUri("mimi://Bücher.example/u/alice").domain).toBe("xn--bcher-kva.example");
    expect(normalizeMimiUri("mimi://例え.テスト")).toBe("mimi://xn--r8jz45g.xn--zckzah");
    expect(normalizeMimiUri("mimi://a。example")).toBe("mimi://a.example");
    expect(normalizeMimiUri("mimi://XN--BCHER-KVA.example")).toBe("mimi://xn--bcher-kva.example");
    rejects("mimi://xn--zz.example", "ID-HOST-02", 7);
    rejects("mimi://a／b.example", "ID-HOST-02", 7);
    rejects("mimi://\u200d.example", "ID-HOST-02", 7);
    rejects("mimi://ä..example", "ID-HOST-01", 7);
    // the Bidi rule (RFC 5893 §2, UTS #46 CheckBidi): right-to-left letters pass; a label of
    // Arabic-Indic digits alone cannot start a label of a Bidi domain name (decision 0110)
    expect(normalizeMimiUri("mimi://مثال.example")).toBe("mimi://xn--mgbh0fb.example");
    rejects("mimi://١٢٣.example", "ID-HOST-02", 7);
  });

  it("ID-HOST-03 rejects IP addresses and numeric top-level labels", () => {
    rejects("mimi://192.0.2.1/u/alice", "ID-HOST-03", 15);
    rejects("mimi://a.example.123", "ID-HOST-03", 17);
    rejects("mimi://[2001:db8::1]/u/alice", "ID-HOST-03", 7);
    expect(parseMimiUri("mimi://123.example").domain).toBe("123.example");
  });

  it("ID-HOST-04 limits labels to 63 and names to 253 characters", () => {
    expect(parseMimiUri(`mimi://${"a".repeat(63)}.example`).domain).toHaveLength(71);
    rejects(`mimi://${"a".repeat(64)}.example`, "ID-HOST-04", 7);
    const name = Array.from({ length: 4 }, () => "b".repeat(63)).join(".");
    expect(name).toHaveLength(255);
    rejects(`mimi://${name.slice(1)}`, "ID-HOST-04", 7);
    expect(parseMimiUri(`mimi://${name.slice(2)}`).domain).toHaveLength(253);
  });
});

describe("path", () => {
  it("ID-PATH-01 accepts only the type segments u p d r g t, in lower case", () => {
    rejects("mimi://b.example/b/bob", "ID-PATH-01", 17);
    rejects("mimi://a.example/U/alice", "ID-PATH-01", 17);
    rejects("mimi://a.example/user/alice", "ID-PATH-01", 17);
    rejects("mimi://a.example/%75/alice", "ID-PATH-01", 17);
  });

  it("ID-PATH-02 enforces the segment count of each kind", () => {
    for (const k of ["u", "p", "r", "g", "t"]) {
      rejects(`mimi://a.example/${k}`, "ID-PATH-02", 18);
      rejects(`mimi://a.example/${k}/x/y`, "ID-PATH-02", 20);
    }
    rejects("mimi://a.example/d", "ID-PATH-02", 18);
    rejects("mimi://a.example/d/a/b/c", "ID-PATH-02", 22);
    expect(parseMimiUri("mimi://a.example/d/a/b").segments).toEqual(["a", "b"]);
  });

  it("ID-PATH-03 rejects empty segments and a trailing slash", () => {
    rejects("mimi://a.example/", "ID-PATH-03", 17);
    rejects("mimi://a.example//u/alice", "ID-PATH-03", 17);
    rejects("mimi://a.example/u/", "ID-PATH-03", 19);
    rejects("mimi://a.example/u/alice/", "ID-PATH-03", 25);
    rejects("mimi://a.example/d//c1", "ID-PATH-03", 19);
  });

  it("ID-PATH-04 accepts pchar and well-formed percent-encoding only", () => {
    expect(parseMimiUri("mimi://a.example/u/a-b._~!$&'()*+,;=:@9").segments).toEqual([
      "a-b._~!$&'()*+,;=:@9",
    ]);
    rejects("mimi://a.example/u/a b", "ID-PATH-04", 20);
    rejects("mimi://a.example/u/a%2", "ID-PATH-04", 20);
    rejects("mimi://a.example/u/a%g0", "ID-PATH-04", 20);
    rejects("mimi://a.example/u/a\\b", "ID-PATH-04", 20);
    rejects('mimi://a.example/u/"a"', "ID-PATH-04", 19);
    rejects("mimi://a.example/u/a\u0085", "ID-PATH-04", 20);
    rejects("mimi://a.example/u/\t", "ID-PATH-04", 19);
  });

  it("ID-PATH-05 requires decoded segments to be UTF-8 text without control characters", () => {
    rejects("mimi://a.example/u/%C3", "ID-PATH-05", 19);
    rejects("mimi://a.example/u/%FF%FE", "ID-PATH-05", 19);
    rejects("mimi://a.example/u/a%00", "ID-PATH-05", 20);
    rejects("mimi://a.example/u/a%7f", "ID-PATH-05", 20);
    rejects("mimi://a.example/u/%C2%85", "ID-PATH-05", 19);
    rejects("mimi://a.example/u/a\ud800", "ID-PATH-05", 20);
    rejects("mimi://a.example/u/a\udc00b", "ID-PATH-05", 20);
    expect(parseMimiUri("mimi://a.example/u/%F0%9F%92%A9").segments).toEqual(["💩"]);
  });

  it("ID-PATH-06 rejects dot-segments, also percent-encoded", () => {
    rejects("mimi://a.example/u/.", "ID-PATH-06", 19);
    rejects("mimi://a.example/u/..", "ID-PATH-06", 19);
    rejects("mimi://a.example/d/%2e/c1", "ID-PATH-06", 19);
    rejects("mimi://a.example/d/alice/%2E%2e", "ID-PATH-06", 25);
    expect(parseMimiUri("mimi://a.example/u/...").segments).toEqual(["..."]);
  });

  it("ID-PATH-07 limits a decoded segment to 255 octets", () => {
    expect(parseMimiUri(`mimi://a.example/u/${"a".repeat(255)}`).segments[0]).toHaveLength(255);
    rejects(`mimi://a.example/u/${"a".repeat(256)}`, "ID-PATH-07", 19);
    expect(parseMimiUri(`mimi://a.example/u/${"%41".repeat(255)}`).segments[0]).toHaveLength(255);
    rejects(`mimi://a.example/u/${"%41".repeat(256)}`, "ID-PATH-07", 19);
    rejects(`mimi://a.example/u/${"é".repeat(128)}`, "ID-PATH-07", 19);
  });
});

describe("canonical form and equality", () => {
  it("ID-NORM-01 lower-cases scheme and host, decodes pchar, upper-cases hex and encodes the rest", () => {
    expect(normalizeMimiUri("MIMI://A.EXAMPLE/u/%61lice")).toBe("mimi://a.example/u/alice");
    expect(normalizeMimiUri("mimi://irc.example.com/u/jcapulet1583%40example.com")).toBe(
      "mimi://irc.example.com/u/jcapulet1583@example.com",
    );
    expect(normalizeMimiUri("mimi://a.example/u/a%2fb%3f%23%25")).toBe("mimi://a.example/u/a%2Fb%3F%23%25");
    expect(normalizeMimiUri("mimi://a.example/u/jö")).toBe("mimi://a.example/u/j%C3%B6");
    expect(normalizeMimiUri("mimi://a.example/u/j%c3%b6")).toBe("mimi://a.example/u/j%C3%B6");
    expect(normalizeMimiUri("mimi://a.example/u/Alice")).toBe("mimi://a.example/u/Alice");
  });

  it("ID-NORM-01 isMimiUri and assertMimiUri accept only the canonical spelling", () => {
    expect(isMimiUri("mimi://A.example")).toBe(false);
    expect(isMimiUri(42)).toBe(false);
    expect(isMimiUri("mimi://a.example/x/y")).toBe(false);
    expect(() => assertMimiUri("mimi://a.example/u/alice")).not.toThrow();
    expect(errorOf(() => assertMimiUri("mimi://A.example")).rule).toBe("ID-NORM-01");
    expect(errorOf(() => assertMimiUri("mimi://a.example/q/x")).rule).toBe("ID-PATH-01");
    expect(errorOf(() => assertMimiUri(null)).rule).toBe("ID-URI-01");
  });

  it("ID-EQ-01 compares canonical forms: host case and needless encoding do not matter, segment case does", () => {
    expect(mimiUriEquals("mimi://A.example/u/alice", "mimi://a.example/u/%61lice")).toBe(true);
    expect(mimiUriEquals("mimi://bücher.example", "mimi://xn--bcher-kva.example")).toBe(true);
    expect(mimiUriEquals("mimi://a.example/u/alice", "mimi://a.example/u/Alice")).toBe(false);
    expect(mimiUriEquals("mimi://a.example/u/alice", "mimi://a.example/p/alice")).toBe(false);
    expect(mimiUriEquals("mimi://a.example/d/alice/c1", "mimi://a.example/d/alice%2Fc1")).toBe(false);
    expect(errorOf(() => mimiUriEquals("mimi://a.example/x/y", "mimi://a.example/x/y")).rule).toBe(
      "ID-PATH-01",
    );
    expect(errorOf(() => mimiUriEquals("mimi://a.example", "nope")).rule).toBe("ID-URI-01");
  });
});

describe("per-kind parsers and helpers", () => {
  it("each per-kind parser accepts its kind and names the expected rule otherwise", () => {
    expect(parseProviderUri("mimi://A.example")).toBe("mimi://a.example");
    expect(parseUserUri("mimi://a.example/u/alice")).toBe("mimi://a.example/u/alice");
    expect(parsePseudonymUri("mimi://a.example/p/k75")).toBe("mimi://a.example/p/k75");
    expect(parseClientUri("mimi://a.example/d/alice/c1")).toBe("mimi://a.example/d/alice/c1");
    expect(parseRoomUri("mimi://a.example/r/clubhouse")).toBe("mimi://a.example/r/clubhouse");
    expect(parseGroupUri("mimi://a.example/g/clubhouse")).toBe("mimi://a.example/g/clubhouse");
    expect(parseTeamUri("mimi://a.example/t/eng")).toBe("mimi://a.example/t/eng");
    const e = errorOf(() => parseUserUri("mimi://a.example/r/clubhouse"));
    expect([e.rule, e.path]).toEqual(["user-uri", "@17"]);
    expect(errorOf(() => parseRoomUri("mimi://a.example")).rule).toBe("room-uri");
    expect(errorOf(() => parseProviderUri("mimi://a.example/u/a")).rule).toBe("provider-uri");
    expect(errorOf(() => parseTeamUri("mimi://a.example/u/a/b")).rule).toBe("ID-PATH-02");
  });

  it("the is-guards need the kind and the canonical form", () => {
    expect(isUserUri("mimi://a.example/u/alice")).toBe(true);
    expect(isUserUri("mimi://A.example/u/alice")).toBe(false);
    expect(isUserUri("mimi://a.example/p/alice")).toBe(false);
    expect(isClientUri("mimi://a.example/d/c1")).toBe(true);
    expect(isProviderUri("mimi://a.example")).toBe(true);
    expect(isProviderUri(undefined)).toBe(false);
  });

  it("providerOf, domainOf and kindOf work on any kind", () => {
    expect(providerOf("mimi://Bücher.example/d/alice/c1")).toBe("mimi://xn--bcher-kva.example");
    expect(providerOf("mimi://a.example")).toBe("mimi://a.example");
    expect(domainOf("mimi://HUB.example/r/x")).toBe("hub.example");
    expect(kindOf("mimi://a.example/g/x")).toBe("g");
    expect(kindOf("mimi://a.example")).toBe("provider");
    expect(errorOf(() => providerOf("mimi://a.example/b/bob")).rule).toBe("ID-PATH-01");
  });

  it("userOfClient gives the user of a two-segment client URI only", () => {
    expect(userOfClient("mimi://a.example/d/alice/ClientA1")).toBe("mimi://a.example/u/alice");
    expect(userOfClient("mimi://A.example/d/j%c3%b6/x")).toBe("mimi://a.example/u/j%C3%B6");
    expect(userOfClient("mimi://a.example/d/ClientA1")).toBeUndefined();
    expect(errorOf(() => userOfClient("mimi://a.example/u/alice")).rule).toBe("client-uri");
  });
});

describe("formatMimiUri", () => {
  it("builds canonical URIs, encoding the segments", () => {
    expect(formatMimiUri({ kind: "u", domain: "Bücher.example", segments: ["jo smith"] })).toBe(
      "mimi://xn--bcher-kva.example/u/jo%20smith",
    );
    expect(formatMimiUri({ kind: "d", domain: "a.example", segments: ["a/b", "100%"] })).toBe(
      "mimi://a.example/d/a%2Fb/100%25",
    );
    expect(formatMimiUri({ kind: "provider", domain: "a.example", segments: [] })).toBe("mimi://a.example");
  });

  it("names the offending part", () => {
    const at = (p: Parameters<typeof formatMimiUri>[0]) => {
      const e = errorOf(() => formatMimiUri(p));
      return [e.rule, e.path];
    };
    expect(at({ kind: "x" as "u", domain: "a.example", segments: ["a"] })).toEqual(["ID-PATH-01", "/kind"]);
    expect(at({ kind: "u", domain: "a.example", segments: [] })).toEqual(["ID-PATH-02", "/segments"]);
    expect(at({ kind: "provider", domain: "a.example", segments: ["a"] })).toEqual([
      "ID-PATH-02",
      "/segments",
    ]);
    expect(at({ kind: "u", domain: "a.example/u", segments: ["a"] })).toEqual(["ID-HOST-01", "/domain"]);
    expect(at({ kind: "u", domain: "a@example", segments: ["a"] })).toEqual(["ID-URI-02", "/domain"]);
    expect(at({ kind: "u", domain: "", segments: ["a"] })).toEqual(["ID-HOST-01", "/domain"]);
    expect(at({ kind: "d", domain: "a.example", segments: ["a", ""] })).toEqual([
      "ID-PATH-03",
      "/segments/1",
    ]);
    expect(at({ kind: "d", domain: "a.example", segments: ["..", "b"] })).toEqual([
      "ID-PATH-06",
      "/segments/0",
    ]);
    expect(at({ kind: "u", domain: "a.example", segments: ["a\n"] })).toEqual(["ID-PATH-05", "/segments/0"]);
    expect(at({ kind: "u", domain: "a.example", segments: ["\ud800"] })).toEqual([
      "ID-PATH-05",
      "/segments/0",
    ]);
    expect(at({ kind: "u", domain: "a.example", segments: ["x".repeat(256)] })).toEqual([
      "ID-PATH-07",
      "/segments/0",
    ]);
  });
});

describe("IDNA edge cases", () => {
  it("ID-HOST-02 converts U-labels however the other labels look (no IPv4 reading of the name)", () => {
    expect(normalizeMimiUri("mimi://bücher.0x")).toBe("mimi://xn--bcher-kva.0x");
    expect(normalizeMimiUri("mimi://xn--bcher-kva.0x")).toBe("mimi://xn--bcher-kva.0x");
    expect(normalizeMimiUri("mimi://a.0x")).toBe("mimi://a.0x");
    expect(normalizeMimiUri("mimi://１２３.example")).toBe("mimi://123.example");
    rejects("mimi://bücher.１２３", "ID-HOST-03", 7);
    rejects("mimi://bücher。", "ID-HOST-01", 7);
  });
});
