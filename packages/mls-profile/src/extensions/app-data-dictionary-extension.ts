/**
 * The `app_data_dictionary` GroupContext extension inside a ts-mls extension list
 * (draft-ietf-mls-extensions-10 §4.6–§4.7): read it, and replace or append it. Shared by the client
 * facade and the hub's view of a group so both see the dictionary the same way.
 */
import type { Extension } from "@mimi/ts-mls";
import {
  type AppDataDictionary,
  decodeAppDataDictionary,
  encodeAppDataDictionary,
} from "./app-data-dictionary.js";
import { type CodePoints, defaultCodePoints } from "./code-points.js";

const defaultExtensionNumbers: Readonly<Record<string, number>> = {
  application_id: 1,
  ratchet_tree: 2,
  required_capabilities: 3,
  external_pub: 4,
  external_senders: 5,
};

/** The numeric type of a ts-mls extension (which names the RFC 9420 ones). */
export function extensionTypeNumber(e: Extension): number {
  return typeof e.extensionType === "number"
    ? e.extensionType
    : (defaultExtensionNumbers[e.extensionType] ?? -1);
}

/** The `app_data_dictionary` extension of a list, if present. */
export function findAppDataDictionaryExtension(
  extensions: readonly Extension[],
  codePoints: CodePoints = defaultCodePoints,
): Extension | undefined {
  return extensions.find((e) => extensionTypeNumber(e) === codePoints.extensionTypes.app_data_dictionary);
}

/**
 * The `app_data_dictionary` of a list of extensions, or `undefined` when absent.
 *
 * @throws CodecError or ValidationError (`MLS-EXT-01`) when it is malformed.
 */
export function appDataDictionaryOf(
  extensions: readonly Extension[],
  codePoints: CodePoints = defaultCodePoints,
): AppDataDictionary | undefined {
  const ext = findAppDataDictionaryExtension(extensions, codePoints);
  return ext === undefined ? undefined : decodeAppDataDictionary(ext.extensionData);
}

/** `extensions` with the `app_data_dictionary` replaced, or appended when absent (§4.7). */
export function withAppDataDictionary(
  extensions: readonly Extension[],
  dict: AppDataDictionary,
  codePoints: CodePoints = defaultCodePoints,
): Extension[] {
  const type = codePoints.extensionTypes.app_data_dictionary;
  const ext: Extension = { extensionType: type, extensionData: encodeAppDataDictionary(dict) };
  const i = extensions.findIndex((e) => extensionTypeNumber(e) === type);
  return i < 0 ? [...extensions, ext] : extensions.map((e, j) => (j === i ? ext : e));
}
