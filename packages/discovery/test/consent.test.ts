import { ProtocolError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  applyConsentOperation,
  type ConsentOperation,
  type ConsentState,
  consentStates,
  hasConsent,
  MemoryConsentStore,
  nextConsentState,
  requireConsent,
} from "../src/index.js";

const ruleOf = async (fn: () => unknown): Promise<string | undefined> => {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return (e as ProtocolError).rule;
  }
  throw new Error("expected a ProtocolError");
};

// Every (state, operation) pair: the expected next state and effect, or "illegal".
const table: Record<ConsentState, Record<"request" | "cancel" | "grant" | "revoke", string>> = {
  none: {
    request: "requested applied",
    cancel: "none ignored",
    grant: "granted applied",
    revoke: "revoked applied",
  },
  requested: {
    request: "illegal",
    cancel: "none applied",
    grant: "granted applied",
    revoke: "revoked applied",
  },
  granted: {
    request: "illegal",
    cancel: "granted ignored",
    grant: "granted applied",
    revoke: "revoked applied",
  },
  revoked: {
    request: "illegal",
    cancel: "revoked ignored",
    grant: "granted applied",
    revoke: "revoked applied",
  },
};

describe("consent state machine (protocol-06 §5.7)", () => {
  for (const state of Object.keys(consentStates) as ConsentState[]) {
    for (const op of ["request", "cancel", "grant", "revoke"] as const) {
      const expected = table[state][op];
      const title =
        expected === "illegal"
          ? `DISC-CONSENT-01 ${op} in state ${state} is rejected`
          : op === "cancel"
            ? `DISC-CONSENT-03 ${op} in state ${state} gives ${expected}`
            : `${op} in state ${state} gives ${expected}`;
      it(title, async () => {
        if (expected === "illegal") {
          expect(await ruleOf(() => nextConsentState(state, op))).toBe("DISC-CONSENT-01");
        } else {
          const t = nextConsentState(state, op);
          expect(`${t.state} ${t.effect}`).toBe(expected);
        }
      });
    }
  }

  it("DISC-CONSENT-01 rejects an unknown operation", async () => {
    expect(await ruleOf(() => nextConsentState("none", 7 as ConsentOperation))).toBe("DISC-CONSENT-01");
  });
});

const alice = "mimi://a.example/u/alice";
const bob = "mimi://b.example/u/bob";
const room = "mimi://hub.example/r/clubhouse";
// Alice (at a.example) asks Bob (at b.example): requests go a → b, grants b → a.
const aToB = { senderDomain: "a.example", receiverDomain: "b.example" };
const bToA = { senderDomain: "b.example", receiverDomain: "a.example" };

describe("consent between providers", () => {
  it("DISC-CONSENT-02 request/cancel come from the requester's provider, grant/revoke from the target's", async () => {
    const store = new MemoryConsentStore();
    const scope = { requesterUri: alice, targetUri: bob };
    expect(await ruleOf(() => applyConsentOperation(store, "request", scope, bToA, 0))).toBe(
      "DISC-CONSENT-02",
    );
    expect(await ruleOf(() => applyConsentOperation(store, "grant", scope, aToB, 0))).toBe("DISC-CONSENT-02");
    expect(
      await ruleOf(() =>
        applyConsentOperation(
          store,
          "revoke",
          scope,
          { senderDomain: "c.example", receiverDomain: "a.example" },
          0,
        ),
      ),
    ).toBe("DISC-CONSENT-02");
    expect(await store.get(scope)).toBeUndefined();
  });

  it("DISC-CONSENT-04 key material only with consent: request, grant, revoke, persisted across a restart", async () => {
    let store = new MemoryConsentStore();
    const scope = { requesterUri: alice, targetUri: bob };
    expect(await ruleOf(() => requireConsent(store, alice, bob))).toBe("DISC-CONSENT-04");
    await applyConsentOperation(store, "request", scope, aToB, 1);
    expect(await hasConsent(store, alice, bob)).toBe(false);
    await applyConsentOperation(store, "grant", scope, bToA, 2);
    await expect(requireConsent(store, alice, bob)).resolves.toBeUndefined();
    expect(await hasConsent(store, alice, bob, room)).toBe(true); // a room-less grant covers every room
    expect(await hasConsent(store, bob, alice)).toBe(false); // consent is directed
    store = MemoryConsentStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())));
    expect(await store.get({ requesterUri: "MIMI://A.example/u/alice", targetUri: bob })).toEqual({
      scope,
      state: "granted",
      updatedAt: 2,
    });
    await applyConsentOperation(store, "revoke", { ...scope, roomId: room }, bToA, 3);
    expect(await hasConsent(store, alice, bob, room)).toBe(false); // a room's revocation wins over the room-less grant
    expect(await hasConsent(store, alice, bob)).toBe(true);
    await applyConsentOperation(store, "revoke", scope, bToA, 4);
    let noConsent: unknown;
    try {
      await requireConsent(store, alice, bob);
    } catch (e) {
      noConsent = e;
    }
    expect((noConsent as ProtocolError).code).toBe("noConsent");
  });

  it("DISC-CONSENT-03 an unmatched cancel changes nothing; a matched one withdraws the request", async () => {
    const store = new MemoryConsentStore();
    const scope = { requesterUri: alice, targetUri: bob, roomId: room };
    expect(await applyConsentOperation(store, "cancel", scope, aToB, 0)).toEqual({
      state: "none",
      effect: "ignored",
    });
    expect(await store.get(scope)).toBeUndefined();
    await applyConsentOperation(store, "request", scope, aToB, 1);
    expect(
      (await applyConsentOperation(store, "cancel", { requesterUri: alice, targetUri: bob }, aToB, 2)).effect,
    ).toBe("ignored");
    expect((await store.get(scope))?.state).toBe("requested");
    expect(await applyConsentOperation(store, "cancel", scope, aToB, 3)).toEqual({
      state: "none",
      effect: "applied",
    });
    expect(
      await ruleOf(
        async () =>
          (await applyConsentOperation(store, "revoke", scope, bToA, 4)) &&
          (await applyConsentOperation(store, "request", scope, aToB, 5)),
      ),
    ).toBe("DISC-CONSENT-01");
  });
});
