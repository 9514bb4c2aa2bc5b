import { parseMimiUri } from "@mimi/identifiers";
import { ProtocolError, ValidationError } from "@mimi/wire";

/** protocol-06 §5.7 `enum { cancel(0), request(1), grant(2), revoke(3), (255) } ConsentOperation;` */
export const consentOperations = { cancel: 0, request: 1, grant: 2, revoke: 3 } as const;
/** A {@link consentOperations} name, or an unknown code point. */
export type ConsentOperation = keyof typeof consentOperations | number;

/** protocol-06 §5.7 `struct { IdentifierUri requesterUri; IdentifierUri targetUri; optional<RoomId> roomId; } ConsentScope;` */
export interface ConsentScope {
  readonly requesterUri: string;
  readonly targetUri: string;
  readonly roomId?: string;
}

/** The state of consent for one scope, as one provider records it (decision 0705). */
export const consentStates = {
  none: "none",
  requested: "requested",
  granted: "granted",
  revoked: "revoked",
} as const;
/** A {@link consentStates} value. */
export type ConsentState = keyof typeof consentStates;

/** The outcome of one operation: the new state, and whether it changed anything (an unmatched cancel does not). */
export interface ConsentTransition {
  readonly state: ConsentState;
  readonly effect: "applied" | "ignored";
}

/**
 * The consent state machine (protocol-06 §5.7, decision 0705). `cancel` without a pending request
 * is ignored (§5.7: "no action"); `grant` and `revoke` need not answer a request; a new
 * `request` is refused while one is pending, consent is granted, or the target has revoked
 * (denied) consent.
 * @throws ProtocolError `DISC-CONSENT-01` for an illegal transition or an unknown operation.
 */
export function nextConsentState(state: ConsentState, operation: ConsentOperation): ConsentTransition {
  switch (operation) {
    case "request":
      if (state === "none") return { state: "requested", effect: "applied" };
      // [DISC-CONSENT-01] draft-ietf-mimi-protocol-06 §5.7 (decision 0705): a request is refused while one is pending, consent is granted or the target has denied it
      throw new ProtocolError(`a consent request is not allowed in state ${state}`, {
        path: "/consentOperation",
        rule: "DISC-CONSENT-01",
      });
    case "cancel":
      // [DISC-CONSENT-03] draft-ietf-mimi-protocol-06 §5.7: a cancel that matches no prior request is accepted with no action
      if (state === "requested") return { state: "none", effect: "applied" };
      return { state, effect: "ignored" };
    case "grant":
      return { state: "granted", effect: "applied" };
    case "revoke":
      return { state: "revoked", effect: "applied" };
    default:
      throw new ProtocolError(`unknown consent operation ${String(operation)}`, {
        path: "/consentOperation",
        rule: "DISC-CONSENT-01",
      });
  }
}

/** One stored consent record. */
export interface ConsentRecord {
  readonly scope: ConsentScope;
  readonly state: ConsentState;
  /** When the state last changed (ms since the epoch). */
  readonly updatedAt: number;
}

/**
 * The storage of consent records: in memory ({@link MemoryConsentStore}) or on a database
 * (`SqlConsentStore`). Scopes are compared in canonical form ({@link consentScopeKey}).
 */
export interface ConsentStore {
  /** The record of exactly this scope, if any. */
  get(scope: ConsentScope): Promise<ConsentRecord | undefined>;
  /**
   * Reads the record of `scope`, lets `fn` compute its replacement (`undefined`: leave it), and
   * stores it, atomically with respect to other updates of the same scope. When `fn` throws
   * nothing is stored and the error propagates.
   */
  update(
    scope: ConsentScope,
    fn: (current: ConsentRecord | undefined) => ConsentRecord | undefined,
  ): Promise<void>;
}

/**
 * A scope with its URIs in canonical form (`@mimi/identifiers`).
 * @throws IdentifierError (a ValidationError) for a URI that is not a `mimi:` URI.
 */
export function canonicalConsentScope(scope: ConsentScope): ConsentScope {
  const requesterUri = parseMimiUri(scope.requesterUri).uri;
  const targetUri = parseMimiUri(scope.targetUri).uri;
  return scope.roomId === undefined
    ? { requesterUri, targetUri }
    : { requesterUri, targetUri, roomId: parseMimiUri(scope.roomId).uri };
}

/**
 * The key of a scope: the three URIs in canonical form.
 * @throws IdentifierError for a URI that is not a `mimi:` URI.
 */
export function consentScopeKey(scope: ConsentScope): string {
  const c = canonicalConsentScope(scope);
  return `${c.requesterUri} ${c.targetUri} ${c.roomId ?? ""}`;
}

/** An in-memory {@link ConsentStore}; `toJSON`/`fromJSON` persist it. */
export class MemoryConsentStore implements ConsentStore {
  readonly #records = new Map<string, ConsentRecord>();

  async get(scope: ConsentScope): Promise<ConsentRecord | undefined> {
    return this.#records.get(consentScopeKey(scope));
  }

  async update(
    scope: ConsentScope,
    fn: (current: ConsentRecord | undefined) => ConsentRecord | undefined,
  ): Promise<void> {
    const key = consentScopeKey(scope);
    const next = fn(this.#records.get(key));
    if (next !== undefined) this.put(next);
  }

  /** Stores (replaces) one record, its scope in canonical form. */
  put(record: ConsentRecord): void {
    const scope = canonicalConsentScope(record.scope);
    this.#records.set(consentScopeKey(scope), { ...record, scope });
  }

  /** Every record, for persisting. */
  toJSON(): readonly ConsentRecord[] {
    return [...this.#records.values()];
  }

  /** A store holding the records of {@link MemoryConsentStore.toJSON}. */
  static fromJSON(records: readonly ConsentRecord[]): MemoryConsentStore {
    const store = new MemoryConsentStore();
    for (const r of records) store.put(r);
    return store;
  }
}

/** The provider domains of one consent message: who sent it and who received it. */
export interface ConsentParties {
  readonly senderDomain: string;
  readonly receiverDomain: string;
}

/**
 * Applies one consent operation received from another provider (or made locally) to the store.
 * @throws ProtocolError `DISC-CONSENT-02` when the URIs are not in the domains §5.7 requires,
 * `DISC-CONSENT-01` for an illegal transition.
 */
export async function applyConsentOperation(
  store: ConsentStore,
  operation: ConsentOperation,
  scope: ConsentScope,
  parties: ConsentParties,
  now: number,
): Promise<ConsentTransition> {
  const requesterDomain = parseMimiUri(scope.requesterUri).domain;
  const targetDomain = parseMimiUri(scope.targetUri).domain;
  const fromRequester = operation === "request" || operation === "cancel";
  const [senderSide, receiverSide] = fromRequester
    ? [requesterDomain, targetDomain]
    : [targetDomain, requesterDomain];
  if (senderSide !== parties.senderDomain || receiverSide !== parties.receiverDomain) {
    // [DISC-CONSENT-02] draft-ietf-mimi-protocol-06 §5.7: request/cancel name the requester in the sender's domain and the target in the receiver's; grant/revoke the reverse
    throw new ProtocolError(
      `a ${String(operation)} must be sent by the ${fromRequester ? "requester's" : "target's"} provider`,
      {
        path: fromRequester ? "/requesterUri" : "/targetUri",
        rule: "DISC-CONSENT-02",
      },
    );
  }
  let transition: ConsentTransition | undefined;
  await store.update(scope, (current) => {
    transition = nextConsentState(current?.state ?? "none", operation);
    return transition.effect === "applied" ? { scope, state: transition.state, updatedAt: now } : undefined;
  });
  return transition as ConsentTransition;
}

/**
 * Whether `requesterUri` may have key material of `targetUri` (for a room): consent is granted
 * for that room, or for no particular room.
 */
export async function hasConsent(
  store: ConsentStore,
  requesterUri: string,
  targetUri: string,
  roomId?: string,
): Promise<boolean> {
  const roomless = (await store.get({ requesterUri, targetUri }))?.state;
  if (roomId === undefined) return roomless === "granted";
  const room = (await store.get({ requesterUri, targetUri, roomId }))?.state;
  if (room !== undefined) return room === "granted";
  return roomless === "granted";
}

/**
 * The check of a keyMaterial endpoint: throws unless the target consented.
 * @throws ProtocolError `DISC-CONSENT-04` with code `noConsent` (protocol-06 §5.2 `KeyMaterialUserCode`).
 */
export async function requireConsent(
  store: ConsentStore,
  requesterUri: string,
  targetUri: string,
  roomId?: string,
): Promise<void> {
  if (!(await hasConsent(store, requesterUri, targetUri, roomId))) {
    // [DISC-CONSENT-04] draft-ietf-mimi-protocol-06 §5.2, §8: key material is handed out only with the target's consent (noConsent otherwise)
    throw new ProtocolError(`${targetUri} has not consented to ${requesterUri}`, {
      path: "/targetUri",
      rule: "DISC-CONSENT-04",
      code: "noConsent",
    });
  }
}

/**
 * The question a hub asks before it hands out key material (protocol-06 §5.2, §5.7): may
 * `requester` have `target`'s key material for a room? The shape of `createHub`'s `consent` option.
 */
export interface ConsentQuery {
  readonly requester: string;
  readonly target: string;
  /** The room the key material is for; empty when none was named (then only a room-less grant counts). */
  readonly roomId: string;
}

/**
 * The consent check of a hub's keyMaterial endpoint, answered from a {@link ConsentStore}: true
 * when the target granted consent to the requester for that room, or for no particular room, and
 * has not revoked it since. A URI that cannot be parsed has no consent (false); a failing store
 * rejects.
 */
export function consentCheck(store: ConsentStore): (query: ConsentQuery) => Promise<boolean> {
  return async (query) => {
    try {
      // [DISC-CONSENT-04]
      const roomId = query.roomId === "" ? undefined : query.roomId;
      return await hasConsent(store, query.requester, query.target, roomId);
    } catch (e) {
      if (e instanceof ValidationError) return false;
      throw e;
    }
  };
}
