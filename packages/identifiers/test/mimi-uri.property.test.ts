import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  formatMimiUri,
  IdentifierError,
  isClientUri,
  isMimiUri,
  isProviderUri,
  isUserUri,
  mimiUriEquals,
  normalizeMimiUri,
  parseMimiUri,
} from "../src/index.js";
import { arbMimiUri, arbMimiUriOfKind, arbParts, arbSpelling } from "./arbitraries.js";

/** Any spelling of any valid MIMI URI. */
const arbValidText = arbParts.chain(arbSpelling);

/** Parse, turning the typed error into `undefined` and letting anything else through. */
function tryParse(text: string) {
  try {
    return parseMimiUri(text);
  } catch (e) {
    if (e instanceof IdentifierError) return undefined;
    throw e;
  }
}

const uriAlphabet = fc.constantFrom(
  ..."mimi:/.-_~%@?#[]AZaz09ä例\u0000 \\",
  "%2F",
  "%41",
  "%e2%82",
  "xn--",
  "/u/",
  "/d/",
);

describe("MIMI URI properties", () => {
  test.prop([arbParts], { numRuns: 300 })("ID-NORM-01 format then parse gives back the parts", (parts) => {
    const uri = formatMimiUri(parts);
    const p = parseMimiUri(uri);
    expect(p.uri).toBe(uri);
    expect(p.kind).toBe(parts.kind);
    expect(p.segments).toEqual(parts.segments);
  });

  test.prop([arbValidText], { numRuns: 300 })("ID-NORM-01 normalize is idempotent", (text) => {
    const once = normalizeMimiUri(text);
    expect(normalizeMimiUri(once)).toBe(once);
  });

  test.prop([arbValidText], { numRuns: 300 })("ID-NORM-01 format(parse(x)) equals normalize(x)", (text) => {
    const p = parseMimiUri(text);
    expect(formatMimiUri(p)).toBe(normalizeMimiUri(text));
  });

  test.prop([arbParts.chain((p) => fc.tuple(arbSpelling(p), arbSpelling(p)))], { numRuns: 200 })(
    "ID-EQ-01 two spellings of the same parts are equal",
    ([a, b]) => {
      expect(mimiUriEquals(a, b)).toBe(true);
    },
  );

  test.prop([fc.array(arbParts.chain(arbSpelling), { minLength: 3, maxLength: 3 })], { numRuns: 200 })(
    "ID-EQ-01 equality is reflexive, symmetric and transitive",
    ([a, b, c]) => {
      expect(mimiUriEquals(a!, a!)).toBe(true);
      expect(mimiUriEquals(a!, b!)).toBe(mimiUriEquals(b!, a!));
      if (mimiUriEquals(a!, b!) && mimiUriEquals(b!, c!)) expect(mimiUriEquals(a!, c!)).toBe(true);
    },
  );

  test.prop([fc.string({ maxLength: 60 })], { numRuns: 500 })(
    "random strings only give IdentifierError",
    (s) => {
      const p = tryParse(s);
      if (p !== undefined) expect(normalizeMimiUri(p.uri)).toBe(p.uri);
    },
  );

  test.prop([fc.array(uriAlphabet, { maxLength: 30 }).map((a) => `mimi://${a.join("")}`)], { numRuns: 1000 })(
    "URI-like strings only give IdentifierError, and what parses is stable",
    (s) => {
      const p = tryParse(s);
      if (p !== undefined) {
        expect(normalizeMimiUri(p.uri)).toBe(p.uri);
        expect(formatMimiUri(p)).toBe(p.uri);
      }
    },
  );

  test.prop([arbValidText, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })], { numRuns: 500 })(
    "mutated valid URIs only give IdentifierError",
    (text, at, insert) => {
      const k = at % (text.length + 1);
      const p = tryParse(text.slice(0, k) + insert + text.slice(k + 1));
      if (p !== undefined) expect(normalizeMimiUri(p.uri)).toBe(p.uri);
    },
  );
});

describe("the exported arbitraries", () => {
  test.prop([arbMimiUri, arbMimiUriOfKind("u"), arbMimiUriOfKind("d"), arbMimiUriOfKind("provider")], {
    numRuns: 100,
  })("ID-NORM-01 give canonical URIs of the asked kind", (any, user, client, provider) => {
    expect(isMimiUri(any)).toBe(true);
    expect(isUserUri(user)).toBe(true);
    expect(isClientUri(client)).toBe(true);
    expect(isProviderUri(provider)).toBe(true);
  });
});
