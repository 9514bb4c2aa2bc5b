/**
 * A conformance check: its ID, the requirement and draft section it tests, its level, and the
 * test itself. A check passes by returning; it fails or is skipped by throwing
 * {@link CheckFailed} / {@link CheckSkipped} (`fail`, `skip`).
 */
import { type DirectoryName, endpoints, type ResponseOf } from "@mimi/protocol";
import { type CheckContext, fail } from "./context.js";
import { describeOutcome, type Outcome } from "./transport.js";

/** MUST or SHOULD, as the draft words the rule the check tests. */
export type Level = "MUST" | "SHOULD";

/** One check of the suite. */
export interface Check {
  /** `CONF-<AREA>-NN`. */
  readonly id: string;
  /** The requirement ID of ours the check tests (`PROTO-…`), when there is one. */
  readonly requirement?: string;
  /** The section of draft-ietf-mimi-protocol-06. */
  readonly section: string;
  readonly level: Level;
  /** What the target must do, in one line. */
  readonly title: string;
  run(ctx: CheckContext): Promise<void>;
}

/** Fail unless the target refused with a 4xx (one of `statuses`, when given). */
export function expectRefused(o: Outcome, what: string, statuses?: readonly number[]): void {
  if (o.kind === "none") fail(`${what}: ${describeOutcome(o)}`);
  if (o.status < 400 || o.status >= 500) fail(`${what}: expected a 4xx refusal, got ${describeOutcome(o)}`);
  if (statuses !== undefined && !statuses.includes(o.status))
    fail(`${what}: expected ${statuses.join(" or ")}, got ${describeOutcome(o)}`);
}

/** Fail unless the target answered exactly `status`. */
export function expectStatus(o: Outcome, status: number, what: string): void {
  if (o.kind === "none" || o.status !== status)
    fail(`${what}: expected ${status}, got ${describeOutcome(o)}`);
}

/** The decoded success answer of `name`, or fail. */
export function expectAnswer<N extends DirectoryName>(o: Outcome, name: N, what: string): ResponseOf<N> {
  const spec = endpoints[name];
  expectStatus(o, spec.status, what);
  if (o.kind === "none") return fail("unreachable");
  if (spec.response === undefined) return undefined as ResponseOf<N>;
  try {
    return spec.response.decode(o.body) as ResponseOf<N>;
  } catch (e) {
    return fail(`${what}: the ${spec.response.struct} does not decode: ${(e as Error).message}`);
  }
}
