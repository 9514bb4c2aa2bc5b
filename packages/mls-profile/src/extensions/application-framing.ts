/**
 * `ApplicationFraming` (draft-ietf-mls-extensions-10 §6.2): the `application_data` of every
 * message in a group whose GroupContext carries `content_media_types`.
 */
import { decodeTls, encodeTls, ValidationError } from "@mimi/wire";
import {
  checkMediaType,
  type MediaType,
  type MediaTypeList,
  readMediaType,
  writeMediaType,
} from "./media-type.js";

/**
 * draft-ietf-mls-extensions-10 §6.2
 *
 * ```tls
 * struct {
 *     MediaType media_type;
 *     opaque inner_application_content<V>;
 * } ApplicationFraming;
 * ```
 */
export interface ApplicationFraming {
  readonly media_type: MediaType;
  readonly inner_application_content: Uint8Array;
}

/**
 * Encode an `ApplicationFraming`. An empty `media_type.type` is allowed (it stands for the first
 * type of the GroupContext list).
 *
 * @throws ValidationError (`MLS-EXT-07`, `MLS-EXT-08`) for a malformed media type.
 */
export function encodeApplicationFraming(v: ApplicationFraming): Uint8Array {
  checkMediaType(v.media_type, "/media_type", true);
  return encodeTls((w) => {
    writeMediaType(w, v.media_type);
    w.opaque(v.inner_application_content);
  });
}

/**
 * Decode an `ApplicationFraming`.
 *
 * @throws CodecError on malformed input; ValidationError (`MLS-EXT-07`, `MLS-EXT-08`).
 */
export function decodeApplicationFraming(bytes: Uint8Array): ApplicationFraming {
  return decodeTls(bytes, (r) => {
    const media_type = r.field("media_type", () => readMediaType(r, true));
    const inner_application_content = r.field("inner_application_content", () => r.opaque());
    return { media_type, inner_application_content };
  });
}

/**
 * The media type a framed message actually has: its own, or, when `media_type.type` is empty,
 * the first type of the GroupContext's `content_media_types`.
 *
 * @throws ValidationError (`MLS-EXT-10`) when the type is empty and the group lists no types.
 */
export function resolveFramedMediaType(
  framing: ApplicationFraming,
  groupTypes: MediaTypeList | undefined,
): MediaType {
  if (framing.media_type.type !== "") return framing.media_type;
  const first = groupTypes?.media_type_list[0];
  // [MLS-EXT-10] draft-ietf-mls-extensions-10 §6.2: a zero-length media_type.type means the
  // first media type of the GroupContext's content_media_types; without one it means nothing.
  if (first === undefined) {
    throw new ValidationError("empty media type but the group lists no content_media_types", {
      path: "/media_type/type",
      rule: "MLS-EXT-10",
    });
  }
  return first;
}
