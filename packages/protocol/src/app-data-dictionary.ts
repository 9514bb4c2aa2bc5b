/**
 * The codecs of draft-ietf-mls-extensions `ComponentData` and `AppDataDictionary` for protocol-06's
 * bodies (the `consent_extensions`, `id_request_extensions`, `id_response_extensions` and
 * `abuse_extensions` fields of §5.7–§5.9). The structures and their rules are the MLS profile's
 * (`@mimi/mls-profile`, draft-ietf-mls-extensions-10 §4.6); these codecs put them in the bodies'
 * schema, for the bytes, the JSON mapping and the generic tools.
 */
import { type AppDataDictionary, type ComponentData, checkAppDataDictionary } from "@mimi/mls-profile";
import { type Codec, opaque, struct, uint16, vector } from "@mimi/wire";

/** The `ComponentData` codec. */
export const componentDataCodec: Codec<ComponentData> = struct("ComponentData", [
  ["component_id", uint16],
  ["data", opaque],
]);

const dictionary = struct("AppDataDictionary", [["component_data", vector(componentDataCodec)]]);

/**
 * The `AppDataDictionary` codec: `component_data` sorted by `component_id` with at most one entry
 * per ID (MLS-EXT-01), checked when read, written or taken from JSON.
 */
export const appDataDictionaryCodec: Codec<AppDataDictionary> = {
  ...dictionary,
  read: (r, s) => {
    const at = r.currentPath;
    const v = dictionary.read(r, s);
    checkAppDataDictionary(v, `${at === "/" ? "" : at}/component_data`);
    return v;
  },
  write: (w, v) => {
    checkAppDataDictionary(v);
    dictionary.write(w, v);
  },
  fromJson: (j, path) => {
    const v = dictionary.fromJson(j, path);
    checkAppDataDictionary(v, `${path === "/" ? "" : path}/component_data`);
    return v;
  },
};
