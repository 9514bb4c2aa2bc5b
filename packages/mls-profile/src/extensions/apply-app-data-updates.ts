/**
 * Validity and processing of the AppDataUpdate proposals of a commit
 * (draft-ietf-mls-extensions-10 §4.7), as a pure function over an {@link AppDataDictionary}.
 */
import { isMimiError, ValidationError } from "@mimi/wire";
import {
  type AppDataDictionary,
  getComponentData,
  removeComponentData,
  setComponentData,
} from "./app-data-dictionary.js";
import type { AppDataUpdate } from "./app-data-update.js";
import type { ComponentID } from "./component-id.js";

/**
 * The logic of one component, as §4.7 hands it its updates: given the component's current data
 * (`undefined` when the dictionary has none) and the `update` payloads of the commit's
 * AppDataUpdate proposals for it, in commit order, it returns the new data, or throws a
 * `ValidationError` when the updates are invalid (which makes the whole commit invalid).
 */
export type ComponentUpdateHandler = (
  current: Uint8Array | undefined,
  updates: readonly Uint8Array[],
) => Uint8Array;

/** The components an application knows, by ID. */
export type ComponentHandlers = ReadonlyMap<ComponentID, ComponentUpdateHandler>;

/**
 * Apply a commit's AppDataUpdate proposals (in commit order) to `dict` and return the new
 * dictionary. §4.7 orders this after the RFC 9420 proposals and after AppEphemeral.
 *
 * @throws ValidationError naming the proposal: `MLS-EXT-03` unknown component, `MLS-EXT-04`
 * remove of a component with no state, `MLS-EXT-05` a component with both remove and update, or
 * more than one remove, `MLS-EXT-06` the component's logic rejected the updates (its own error
 * is the `cause`).
 */
export function applyAppDataUpdates(
  dict: AppDataDictionary,
  proposals: readonly AppDataUpdate[],
  handlers: ComponentHandlers,
): AppDataDictionary {
  const byComponent = new Map<ComponentID, { removes: number[]; updates: number[] }>();
  proposals.forEach((p, i) => {
    // [MLS-EXT-03] draft-ietf-mls-extensions-10 §4.7: an AppDataUpdate for a component the
    // application does not know is invalid.
    if (!handlers.has(p.component_id)) {
      throw new ValidationError(`AppDataUpdate for unknown component ${p.component_id}`, {
        path: `/${i}/component_id`,
        rule: "MLS-EXT-03",
      });
    }
    let entry = byComponent.get(p.component_id);
    if (entry === undefined) {
      entry = { removes: [], updates: [] };
      byComponent.set(p.component_id, entry);
    }
    (p.op === "remove" ? entry.removes : entry.updates).push(i);
  });
  let out = dict;
  for (const [id, { removes, updates }] of [...byComponent].sort((a, b) => a[0] - b[0])) {
    // [MLS-EXT-05] draft-ietf-mls-extensions-10 §4.7: per component, the proposals are valid
    // only as exactly one remove, or one or more updates.
    if (removes.length > 1 || (removes.length === 1 && updates.length > 0)) {
      const at = removes.length > 1 ? removes[1]! : Math.max(removes[0]!, updates[0]!);
      throw new ValidationError(
        `component ${id}: ${removes.length} remove(s) and ${updates.length} update(s); expected one remove or only updates`,
        { path: `/${at}/op`, rule: "MLS-EXT-05" },
      );
    }
    const current = getComponentData(out, id);
    if (removes.length === 1) {
      // [MLS-EXT-04] draft-ietf-mls-extensions-10 §4.7: removing a component that has no state
      // is invalid.
      if (current === undefined) {
        throw new ValidationError(`remove of component ${id}, which has no data`, {
          path: `/${removes[0]!}`,
          rule: "MLS-EXT-04",
        });
      }
      out = removeComponentData(out, id);
      continue;
    }
    const payloads = updates.map((i) => {
      const p = proposals[i]!;
      return p.op === "update" ? p.update : new Uint8Array(0);
    });
    let next: Uint8Array;
    try {
      next = handlers.get(id)!(current, payloads);
    } catch (e) {
      if (!isMimiError(e)) throw e;
      // [MLS-EXT-06] draft-ietf-mls-extensions-10 §4.7: when the component's logic finds its
      // updates invalid, the whole proposal list is invalid.
      throw new ValidationError(`component ${id} rejected its update(s): ${e.describe()}`, {
        path: `/${updates[0]!}/update`,
        rule: "MLS-EXT-06",
        cause: e,
      });
    }
    out = setComponentData(out, id, next);
  }
  return out;
}
