import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  evaluateIdentifierRequest,
  type IdentifierRequest,
  MATCH_SLOTS,
  notFoundResponse,
  type QueryElement,
} from "../src/index.js";
import { populated } from "./fixtures.js";

const searchType = fc.constantFrom("handle", "nick", "email", "phone");
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "+12015550199",
    "+12015550100",
    "tel:+12015550199",
    "dave@mail.example",
    "alice@mail.example",
    "carol",
    "dave",
  ),
);
const element = fc.record({ searchType, searchValue: value }) as fc.Arbitrary<QueryElement>;

describe("identifier query: properties", () => {
  test.prop(
    [
      fc.array(element, { minLength: 1, maxLength: 4 }),
      fc.option(fc.constantFrom("mimi://b.example/u/bob", "mimi://c.example/u/eve"), { nil: undefined }),
    ],
    {
      numRuns: 300,
    },
  )(
    "DISC-QUERY-04 any query of k elements does k look-ups, k·MATCH_SLOTS contact checks and one record read, and never throws",
    async (elements, user) => {
      const { directory, store } = await populated();
      store.calls.length = 0;
      const request: IdentifierRequest = {
        query_elements: elements,
        id_request_extensions: { component_data: [] },
      };
      const response = await evaluateIdentifierRequest(
        directory,
        request,
        user === undefined ? { provider: "b.example" } : { provider: "b.example", user: user as never },
      );
      const k = elements.length;
      expect(store.calls.filter((c) => c === "lookup")).toHaveLength(k);
      expect(store.calls.filter((c) => c === "isContact")).toHaveLength(k * MATCH_SLOTS);
      expect(store.calls.filter((c) => c === "getUser")).toHaveLength(1);
      // carol (nobody) is never revealed; a non-success answer is the single notFound or a bare ambiguous
      expect(response.uri).not.toContain("mimi://a.example/u/carol");
      if (response.responseCode === "notFound") expect(response).toEqual(notFoundResponse());
      if (response.responseCode !== "success") expect(response.uri).toEqual([]);
    },
  );
});
