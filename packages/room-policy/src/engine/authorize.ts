/**
 * The authorization engine of draft-ietf-mimi-room-policy-03 §3–§5 and §8: a pure, deterministic
 * function of the room state and a proposed change, so that the hub and every client reach the
 * same verdict.
 */
import { buildContext, type EngineOptions } from "./context.js";
import type { Denial, ProposedChange, RoomState, Verdict } from "./room-state.js";
import { policyRules } from "./rules.js";

/**
 * Decide whether `change` is allowed in a room in `state`.
 *
 * The rules of {@link policyRules} are applied in order; the first that denies gives the verdict
 * (its requirement ID, the reason, and a JSON pointer into the change). An allowed verdict lists
 * the rules that applied. Never throws for any well-typed input.
 *
 * @example
 * ```ts
 * const verdict = authorize(state, { actor: { user: "mimi://a.example/u/alice" }, action: "canSendMessage" });
 * if (!verdict.allowed) console.log(verdict.rule, verdict.reason);
 * ```
 */
export function authorize(state: RoomState, change: ProposedChange, options: EngineOptions = {}): Verdict {
  const ctx = buildContext(state, change, options);
  const applied: string[] = [];
  for (const rule of policyRules) {
    const r = rule.check(ctx);
    if (r === undefined) continue;
    if (r !== "pass") return { allowed: false, ...r };
    applied.push(rule.id);
  }
  return { allowed: true, rules: applied };
}

/** Every denial of every rule, each rule evaluated on its own (for diagnostics and tests). */
export function evaluateRules(
  state: RoomState,
  change: ProposedChange,
  options: EngineOptions = {},
): Denial[] {
  const ctx = buildContext(state, change, options);
  const out: Denial[] = [];
  for (const rule of policyRules) {
    const r = rule.check(ctx);
    if (r !== undefined && r !== "pass") out.push(r);
  }
  return out;
}
