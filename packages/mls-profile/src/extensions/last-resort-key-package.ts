/**
 * Last-resort KeyPackages (draft-ietf-mls-extensions-10 §6.4): a KeyPackage whose
 * `app_data_dictionary` holds the `last_resort_key_package` component with empty data.
 */
import { ValidationError } from "@mimi/wire";
import { type AppDataDictionary, getComponentData, setComponentData } from "./app-data-dictionary.js";
import { type CodePoints, defaultCodePoints } from "./code-points.js";

/** `dict` with the `last_resort_key_package` component (empty data) added. */
export function markLastResort(
  dict: AppDataDictionary,
  codePoints: CodePoints = defaultCodePoints,
): AppDataDictionary {
  return setComponentData(dict, codePoints.componentIds.last_resort_key_package, new Uint8Array(0));
}

/**
 * Whether a KeyPackage's `app_data_dictionary` marks it as a last-resort KeyPackage.
 *
 * @throws ValidationError (`MLS-EXT-11`) when the component is present with non-empty data.
 */
export function isLastResort(
  dict: AppDataDictionary | undefined,
  codePoints: CodePoints = defaultCodePoints,
): boolean {
  if (dict === undefined) return false;
  const data = getComponentData(dict, codePoints.componentIds.last_resort_key_package);
  if (data === undefined) return false;
  // [MLS-EXT-11] draft-ietf-mls-extensions-10 §6.4: the last_resort_key_package component's
  // data is empty.
  if (data.length !== 0) {
    throw new ValidationError(`last_resort_key_package data must be empty, has ${data.length} byte(s)`, {
      path: "/component_data",
      rule: "MLS-EXT-11",
    });
  }
  return true;
}
